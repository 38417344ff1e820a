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
}
