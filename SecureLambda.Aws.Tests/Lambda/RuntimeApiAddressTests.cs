using SecureLambda.Aws.Lambda;

namespace SecureLambda.Aws.Tests.Lambda;

public sealed class RuntimeApiAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:9001", "http://127.0.0.1:9001/2018-06-01/runtime/")]
    [InlineData("localhost:4567/ExternalLambda1", "http://localhost:4567/ExternalLambda1/2018-06-01/runtime/")]
    [InlineData("localhost:4567/ExternalLambda1/", "http://localhost:4567/ExternalLambda1/2018-06-01/runtime/")]
    [InlineData("http://localhost:4567/a/b", "http://localhost:4567/a/b/2018-06-01/runtime/")]
    public void BuildsTheRuntimeBase_KeepingAnyPathPrefix(string value, string expected)
    {
        Assert.Equal(new Uri(expected), RuntimeApiAddress.Parse(value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData("host:port:bad")]
    public void RefusesAMissingOrMalformedAddress(string? value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RuntimeApiAddress.Parse(value));
        Assert.Contains("AWS_LAMBDA_RUNTIME_API", error.Message, StringComparison.Ordinal);
    }
}
