using SecureLambda.LocalCloud.DataPlane;

namespace SecureLambda.LocalCloud.Tests.Provisioning;

/// <summary>What the template says about each function's failed asynchronous events, as the data plane reads it.</summary>
[Collection(ProvisioningMotoCollectionDefinition.Name)]
public sealed class FunctionDefinitionsTests(ProvisioningFixture fixture)
{
    [Fact]
    public void InternalLambda_SendsFailedEventsToTheTemplatesOwnQueue_AfterTwoRetries()
    {
        var definitions = DataPlaneBuilder.Functions(fixture.Stack).ToDictionary(d => d.LogicalId);
        var queue = fixture.Stack.Get("InternalLambdaDeadLetterQueue");

        var internalLambda = definitions["InternalLambda"];

        Assert.Equal(2, internalLambda.MaximumRetryAttempts);
        Assert.Equal(queue.Attributes["Arn"].GetValue<string>(), internalLambda.OnFailure?.Arn);
        Assert.Equal(queue.Attributes["QueueUrl"].GetValue<string>(), internalLambda.OnFailure?.QueueUrl);
        Assert.Null(definitions["ExternalLambda1"].OnFailure);
    }

    /// <summary>What Lambda gives a function's process, read from the template and resolved against the engine.</summary>
    [Fact]
    public void ExternalLambda1_HasTheTemplatesHandlerMemoryAndEnvironment_WithTheSecretsArnFromTheEngine()
    {
        var external = DataPlaneBuilder.Functions(fixture.Stack).Single(d => d.LogicalId == "ExternalLambda1");
        var secret = fixture.Stack.Get("TopicArnSecret");

        Assert.Equal("external", external.Handler);
        Assert.Equal("provided.al2023", external.Runtime);
        Assert.Equal(256, external.MemorySize);
        Assert.Equal(TimeSpan.FromSeconds(10), external.Timeout);
        Assert.Equal(fixture.Stack.Get("ExternalLambda1").PhysicalId, external.FunctionName);
        Assert.Equal("ExternalLambda1", external.Environment["GREETER_NAME"]);
        Assert.Equal(secret.PhysicalId, external.Environment["TOPIC_SECRET_ID"]);
        Assert.StartsWith("arn:aws:secretsmanager:", external.Environment["TOPIC_SECRET_ID"], StringComparison.Ordinal);
    }
}
