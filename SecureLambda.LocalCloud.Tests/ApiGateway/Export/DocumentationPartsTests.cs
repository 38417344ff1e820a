using System.Text.Json.Nodes;
using SecureLambda.LocalCloud.ApiGateway.Export;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.Export;

/// <summary>
/// How API Gateway applies documentation parts: RESPONSE, REQUEST_HEADER and the other inheritable types apply to every
/// entity below their path with a matching (or <c>*</c>) method and status code, the most specific part winning; METHOD,
/// MODEL and the other entity types apply to their entity alone.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-documenting-api-content-representation.html
/// </summary>
public sealed class DocumentationPartsTests
{
    private static DocumentationPart Part(string type, string? path = null, string? method = null, string? name = null, string? statusCode = null) =>
        new(type, path, method, name, statusCode, new JsonObject { ["description"] = string.Join(' ', new[] { type, path, method, name, statusCode }.OfType<string>()) });

    [Fact]
    public void AResponsePartAtTheRoot_IsInheritedByEveryMethodBelowIt_ForItsStatusCodeOnly()
    {
        var parts = new DocumentationParts([Part("RESPONSE", "/", "*", statusCode: "429")]);

        Assert.Equal("RESPONSE / * 429", parts.Inherited("RESPONSE", "/lambda1", "POST", statusCode: "429")?.Description);
        Assert.Equal("RESPONSE / * 429", parts.Inherited("RESPONSE", "/a/b/c", "GET", statusCode: "429")?.Description);
        Assert.Null(parts.Inherited("RESPONSE", "/lambda1", "POST", statusCode: "403"));
    }

    [Fact]
    public void TheMostSpecificPart_Wins_ByPathThenMethodThenStatusCode()
    {
        var parts = new DocumentationParts(
        [
            Part("RESPONSE", "/", "*", statusCode: "*"),
            Part("RESPONSE", "/", "POST", statusCode: "*"),
            Part("RESPONSE", "/lambda1", "*", statusCode: "*"),
            Part("RESPONSE", "/lambda1", "POST", statusCode: "500"),
        ]);

        Assert.Equal("RESPONSE /lambda1 POST 500", parts.Inherited("RESPONSE", "/lambda1", "POST", statusCode: "500")?.Description);
        Assert.Equal("RESPONSE /lambda1 * *", parts.Inherited("RESPONSE", "/lambda1", "POST", statusCode: "200")?.Description);
        Assert.Equal("RESPONSE / POST *", parts.Inherited("RESPONSE", "/lambda2", "POST", statusCode: "200")?.Description);
        Assert.Equal("RESPONSE / * *", parts.Inherited("RESPONSE", "/lambda2", "GET", statusCode: "200")?.Description);
    }

    [Fact]
    public void APathPrefix_IsAWholeSegment_AndAHeaderPart_MatchesItsHeaderWhateverTheCase()
    {
        var parts = new DocumentationParts([Part("REQUEST_HEADER", "/lambda", "POST", name: "x-api-key")]);

        Assert.Null(parts.Inherited("REQUEST_HEADER", "/lambda1", "POST", "x-api-key"));
        Assert.NotNull(parts.Inherited("REQUEST_HEADER", "/lambda/child", "POST", "X-API-Key"));
        Assert.Null(parts.Inherited("REQUEST_HEADER", "/lambda", "POST", "Authorization"));
    }

    [Fact]
    public void AMethodPart_DescribesItsMethodAlone()
    {
        var parts = new DocumentationParts([Part("METHOD", "/lambda1", "POST")]);

        Assert.NotNull(parts.Exact("METHOD", "/lambda1", "POST"));
        Assert.Null(parts.Exact("METHOD", "/lambda1/child", "POST"));
        Assert.Null(parts.Exact("METHOD", "/lambda1", "GET"));
    }

    [Fact]
    public void AResourcePart_DescribesItsPath_WhichHasNoMethod()
    {
        var parts = new DocumentationParts([Part("RESOURCE", "/lambda1")]);

        Assert.Equal("RESOURCE /lambda1", parts.Exact("RESOURCE", "/lambda1")?.Description);
        Assert.Null(parts.Exact("RESOURCE", "/lambda2"));
    }
}
