using Microsoft.Extensions.Logging;

namespace SecureLambda.Functions.Tests;

public sealed class FunctionSettingsTests
{
    [Fact]
    public void ReadsTheExternalHandler_WithDefaults()
    {
        var settings = FunctionSettings.FromEnvironment(Env(("_HANDLER", "external"), ("GREETER_NAME", "ExternalLambda2")));

        Assert.Equal(FunctionKind.External, settings.Handler);
        Assert.Equal("ExternalLambda2", settings.GreeterName);
        Assert.Equal("LambdaSNSTopicARN", settings.TopicSecretId);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.TopicArnCacheDuration);
        Assert.Equal(LogLevel.Information, settings.LogLevel);
    }

    [Fact]
    public void ReadsOverrides()
    {
        var settings = FunctionSettings.FromEnvironment(Env(
            ("_HANDLER", "internal"), ("TOPIC_SECRET_ID", "other"), ("TOPIC_ARN_CACHE_SECONDS", "30"), ("AWS_LAMBDA_LOG_LEVEL", "DEBUG")));

        Assert.Equal(FunctionKind.Internal, settings.Handler);
        Assert.Equal("other", settings.TopicSecretId);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.TopicArnCacheDuration);
        Assert.Equal(LogLevel.Debug, settings.LogLevel);
    }

    [Theory]
    [InlineData(null, null, null, "_HANDLER")]
    [InlineData("lambda1", null, null, "_HANDLER")]
    [InlineData("external", null, null, "GREETER_NAME")]
    [InlineData("external", "ExternalLambda1", "five", "TOPIC_ARN_CACHE_SECONDS")]
    public void RefusesBadSettings_NamingTheVariable(string? handler, string? greeter, string? cache, string variable)
    {
        var error = Assert.Throws<FunctionConfigurationException>(() => FunctionSettings.FromEnvironment(
            Env(("_HANDLER", handler), ("GREETER_NAME", greeter), ("TOPIC_ARN_CACHE_SECONDS", cache))));

        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Env(params (string Name, string? Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
