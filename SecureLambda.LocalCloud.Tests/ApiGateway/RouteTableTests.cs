using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.DataPlane;

namespace SecureLambda.LocalCloud.Tests.ApiGateway;

public sealed class RouteTableTests
{
    private static readonly RouteTable Routes = new(
    [
        Resource("/lambda1", "POST"),
        Resource("/pets", "GET", "POST"),
        Resource("/pets/{id}", "GET"),
        Resource("/pets/mine", "GET"),
        Resource("/files/{proxy+}", "ANY"),
        Resource("/files/{proxy+}/x", "GET"),
    ]);

    [Theory]
    [InlineData("/lambda1", "POST", "/lambda1")]
    [InlineData("/pets", "POST", "/pets")]
    [InlineData("/pets/7", "GET", "/pets/{id}")]
    [InlineData("/pets/mine", "GET", "/pets/mine")]
    [InlineData("/files/a/b/c.txt", "DELETE", "/files/{proxy+}")]
    public void MatchesLiteralBeforeParameterBeforeGreedy(string path, string method, string resource)
    {
        Assert.Equal(resource, Routes.Match(path, method)?.Method.ResourcePath);
    }

    [Fact]
    public void TakesPathParameters_DecodedAndGreedyWhole()
    {
        Assert.Equal("a b", Routes.Match("/pets/a%20b", "GET")!.PathParameters["id"]);
        Assert.Equal("a/b/c.txt", Routes.Match("/files/a/b/c.txt", "GET")!.PathParameters["proxy"]);
    }

    [Theory]
    [InlineData("/lambda1", "GET")]
    [InlineData("/lambda2", "POST")]
    [InlineData("/pets/7/toys", "GET")]
    [InlineData("/files", "GET")]
    [InlineData("/", "GET")]
    public void FindsNothing_ForAnUnknownPathOrMethod(string path, string method)
    {
        Assert.Null(Routes.Match(path, method));
    }

    private static GatewayResource Resource(string path, params string[] methods) => new(
        path,
        path,
        methods.ToDictionary(m => m, m => new GatewayMethod(m, path, path, null, null, "arn:aws:lambda:us-east-1:123456789012:function:f")));
}
