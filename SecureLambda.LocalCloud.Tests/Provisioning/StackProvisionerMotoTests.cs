using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Provisioning;

[Collection(ProvisioningMotoCollectionDefinition.Name)]
public sealed class StackProvisionerMotoTests(ProvisioningFixture fixture)
{
    private static readonly TimeSpan ReceiveDeadline = TimeSpan.FromSeconds(30);

    private ProvisionedStack Stack => fixture.Stack;

    private Task<JsonElement?> Aws(params string[] args) => fixture.Moto.AwsCliAsync(args);

    [Fact]
    public async Task Outputs_ResolveToTheEnginesRealIds()
    {
        var outputs = Stack.Outputs;
        Assert.Equal(
            ["AlarmTopicArn", "ApiUrl", "ClientApp1ApiKeyId", "ClientApp2ApiKeyId", "SecretArn", "TopicArn", "UserPool1ClientId", "UserPool1Id", "UserPool2ClientId", "UserPool2Id"],
            outputs.Keys.Order(StringComparer.Ordinal));

        // The key outputs are the keys' ids, never their values; the dev values are on the stack's dev keys.
        Assert.Equal(
            [("ClientApp1ApiKey", outputs["ClientApp1ApiKeyId"]), ("ClientApp2ApiKey", outputs["ClientApp2ApiKeyId"])],
            Stack.DevApiKeys.Select(key => (key.LogicalId, key.Id)));
        Assert.DoesNotContain(outputs.Values, value => Stack.DevApiKeys.Any(key => key.Value == value));

        foreach (var (pool, client) in new[] { ("UserPool1Id", "UserPool1ClientId"), ("UserPool2Id", "UserPool2ClientId") })
        {
            var described = (await Aws("cognito-idp", "describe-user-pool-client", "--user-pool-id", outputs[pool], "--client-id", outputs[client]))!.Value;
            Assert.Equal(outputs[client], described.GetProperty("UserPoolClient").GetProperty("ClientId").GetString());
            var flows = described.GetProperty("UserPoolClient").GetProperty("ExplicitAuthFlows").EnumerateArray().Select(f => f.GetString());
            Assert.Contains("ALLOW_USER_PASSWORD_AUTH", flows);
        }

        var poolName = (await Aws("cognito-idp", "describe-user-pool", "--user-pool-id", outputs["UserPool1Id"]))!.Value
            .GetProperty("UserPool").GetProperty("Name").GetString();
        Assert.Equal("secure-lambda-UserPool1", poolName);

        var topic = (await Aws("sns", "get-topic-attributes", "--topic-arn", outputs["TopicArn"]))!.Value.GetProperty("Attributes");
        Assert.Equal("alias/aws/sns", topic.GetProperty("KmsMasterKeyId").GetString());
        Assert.EndsWith(":secure-lambda-GreetingTopic", outputs["TopicArn"], StringComparison.Ordinal);

        var secret = (await Aws("secretsmanager", "get-secret-value", "--secret-id", "LambdaSNSTopicARN"))!.Value;
        Assert.Equal(outputs["SecretArn"], secret.GetProperty("ARN").GetString());
        using var value = JsonDocument.Parse(secret.GetProperty("SecretString").GetString()!);
        Assert.Equal(outputs["TopicArn"], value.RootElement.GetProperty("TOPIC_ARN").GetString());

        var apiId = Stack.Get("GreetingApi").PhysicalId;
        Assert.Matches("^[a-z0-9]{10}$", apiId);
        Assert.Equal($"https://{apiId}.execute-api.us-east-1.amazonaws.com/development", outputs["ApiUrl"]);
    }

    [Fact]
    public async Task DeadLetterQueue_HasTemplateAttributes_AndRefIsItsUrl()
    {
        var queue = Stack.Get("InternalLambdaDeadLetterQueue");
        var attributes = (await Aws("sqs", "get-queue-attributes", "--queue-url", queue.PhysicalId, "--attribute-names", "All"))!.Value
            .GetProperty("Attributes");

        Assert.Equal("1209600", attributes.GetProperty("MessageRetentionPeriod").GetString());
        Assert.Equal("true", attributes.GetProperty("SqsManagedSseEnabled").GetString());
        Assert.Equal(attributes.GetProperty("QueueArn").GetString(), queue.Attributes["Arn"].GetValue<string>());
        Assert.Equal("secure-lambda-InternalLambda-dlq", queue.Attributes["QueueName"].GetValue<string>());
    }

    [Fact]
    public async Task ProvisioningTwice_ReusesEveryEngineResource()
    {
        var again = await fixture.Services.GetRequiredService<StackProvisioner>().ProvisionAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Stack.Outputs, again.Outputs);
        Assert.Equal(Stack.LambdaSubscriptions, again.LambdaSubscriptions);
        Assert.Equal(Stack.DevUsers, again.DevUsers);
        var pools = (await Aws("cognito-idp", "list-user-pools", "--max-results", "60"))!.Value.GetProperty("UserPools");
        Assert.Equal(2, pools.GetArrayLength());
        var queues = (await Aws("sqs", "list-queues"))!.Value.GetProperty("QueueUrls").EnumerateArray().Select(q => q.GetString()).ToList();
        // The template's two dead-letter queues, and nothing of LocalCloud's: Lambda's event queue is its own.
        Assert.Equal(2, queues.Count);
        foreach (var user in again.DevUsers)
        {
            var users = (await Aws("cognito-idp", "list-users", "--user-pool-id", user.UserPoolId))!.Value.GetProperty("Users");
            Assert.Equal(1, users.GetArrayLength());
            var clients = (await Aws("cognito-idp", "list-user-pool-clients", "--user-pool-id", user.UserPoolId, "--max-results", "60"))!.Value
                .GetProperty("UserPoolClients");
            Assert.Equal(1, clients.GetArrayLength());
        }

        var subscriptions = (await Aws("sns", "list-subscriptions-by-topic", "--topic-arn", Stack.Outputs["TopicArn"]))!.Value
            .GetProperty("Subscriptions");
        // The topic's one subscription is InternalLambda's, which LocalCloud delivers: the engine holds none, twice or once.
        Assert.Equal(0, subscriptions.GetArrayLength());
    }

    [Fact]
    public async Task DevUserWithConfiguredPassword_SignsInWithAwsCli()
    {
        var user = Assert.Single(Stack.DevUsers, u => u.Email == "user1@example.com");
        Assert.Equal("MyUserPool1", user.UserPoolLogicalId);
        Assert.Equal(Stack.Outputs["UserPool1Id"], user.UserPoolId);
        Assert.Equal(Stack.Outputs["UserPool1ClientId"], user.ClientId);

        var tokens = await SignInAsync(user, ProvisioningFixture.User1Password);

        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("IdToken").GetString()));
    }

    [Fact]
    public async Task DevUserWithoutPassword_GetsGeneratedPassword_LoggedOnceAtWarning_ThatSignsIn_AndSurvivesReprovisioning()
    {
        var user = Assert.Single(Stack.DevUsers, u => u.Email == "user2@example.com");
        Assert.Equal(Stack.Outputs["UserPool2Id"], user.UserPoolId);
        await fixture.Services.GetRequiredService<StackProvisioner>().ProvisionAsync(TestContext.Current.CancellationToken);
        var logs = fixture.Services.GetFakeLogCollector().GetSnapshot();

        var warning = Assert.Single(logs, record => record.Message.Contains("generated password", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("LocalCloud__DevUsers__1__Password", warning.Message, StringComparison.Ordinal);
        var password = warning.StructuredState!.Single(pair => pair.Key == "GeneratedPassword").Value!;
        var tokens = await SignInAsync(user, password);
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("IdToken").GetString()));
        Assert.DoesNotContain(logs, record => record.Message.Contains(ProvisioningFixture.User1Password, StringComparison.Ordinal));
    }

    /// <summary>In AWS a lambda subscription is SNS's and Lambda's affair: no queue of the user's, and no engine subscription that costs the engine a message per publish.</summary>
    [Fact]
    public async Task ALambdaSubscription_IsLocalClouds_WithAStableArn_AndNothingInTheEngine()
    {
        var subscription = Assert.Single(Stack.LambdaSubscriptions);
        Assert.Equal("InternalLambdaSubscription", subscription.LogicalId);
        Assert.Equal("InternalLambda", subscription.FunctionLogicalId);
        Assert.Equal("secure-lambda-InternalLambda", subscription.FunctionName);
        Assert.Equal(Stack.Outputs["TopicArn"], subscription.TopicArn);
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(subscription.TopicArn)}:[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}$", subscription.SubscriptionArn);
        Assert.Equal(subscription.SubscriptionArn, Stack.Get("InternalLambdaSubscription").PhysicalId);
        Assert.Equal(Stack.Get("GreetingTopicDeliveryDeadLetterQueue").Attributes["Arn"].GetValue<string>(), subscription.DeadLetterArn);

        var engineSubscriptions = (await Aws("sns", "list-subscriptions-by-topic", "--topic-arn", subscription.TopicArn))!.Value.GetProperty("Subscriptions");
        Assert.DoesNotContain(engineSubscriptions.EnumerateArray(), s => s.GetProperty("Protocol").GetString() is "sqs" or "lambda");
    }

    [Fact]
    public void LocalResources_GetTheirDocumentedRefAndGetAttValues()
    {
        Assert.Equal("secure-lambda-InternalLambda", Stack.Get("InternalLambda").PhysicalId);
        Assert.Equal(
            "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-InternalLambda",
            Stack.Get("InternalLambda").Attributes["Arn"].GetValue<string>());
        Assert.Equal("development", Stack.Get("GreetingApiStage").PhysicalId);
        var ipSet = Stack.Get("AllowedIpSet");
        var id = ipSet.Attributes["Id"].GetValue<string>();
        Assert.Equal($"secure-lambda-AllowedIpv4|{id}|REGIONAL", ipSet.PhysicalId);
        Assert.Equal(
            $"arn:aws:wafv2:us-east-1:123456789012:regional/ipset/secure-lambda-AllowedIpv4/{id}",
            ipSet.Attributes["Arn"].GetValue<string>());
        Assert.Equal(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/secure-lambda-GreetingApi-access:*",
            Stack.Get("ApiAccessLogGroup").Attributes["Arn"].GetValue<string>());
        Assert.StartsWith(
            "arn:aws:iam::123456789012:role/secure-lambda-InternalLambdaRole",
            Stack.Get("InternalLambdaRole").Attributes["Arn"].GetValue<string>(),
            StringComparison.Ordinal);
        // Intrinsics that point at local resources resolved into the engine-facing ones, e.g. the authorizer's pool ARN.
        Assert.Equal(
            Stack.Get("MyUserPool1").Attributes["Arn"].GetValue<string>(),
            Stack.Get("Lambda1Authorizer").Properties["ProviderARNs"]![0]!.GetValue<string>());
        Assert.Equal(3, Stack.OfType("AWS::Lambda::Function").Count);
    }

    [Fact]
    public async Task ResourceProvisionerFailure_NamesTheLogicalId()
    {
        await using var services = ProvisioningFixture.BuildServices(
            fixture.Moto,
            replace: collection =>
            {
                // Replaces the queue's one provisioner: the catalog check allows no second one.
                collection.Remove(collection.Single(descriptor => descriptor.ImplementationType == typeof(SqsQueueProvisioner)));
                collection.AddSingleton<IResourceProvisioner, FailingQueueProvisioner>();
            });

        var error = await Assert.ThrowsAsync<ResourceProvisioningException>(
            () => services.GetRequiredService<StackProvisioner>().ProvisionAsync(TestContext.Current.CancellationToken));

        Assert.Equal("InternalLambdaDeadLetterQueue", error.LogicalId);
        Assert.Contains("InternalLambdaDeadLetterQueue (AWS::SQS::Queue)", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    /// <summary>
    /// CloudFormation creates the resources that do not depend on one another at the same time, and a resource is
    /// there once it is created, before its stack is: the two queues are made at once, and ExternalLambda1 is known
    /// while a user pool (which nothing of it waits for) is still being made. One pool only is held: a held resource
    /// keeps one of the engine's two slots.
    /// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html
    /// </summary>
    [Fact]
    public async Task ResourcesThatWaitForNoOther_AreCreatedAtOnce_AndAFunctionIsKnownWhileAPoolIsStillBeingMade()
    {
        await using var services = ProvisioningFixture.BuildServices(
            fixture.Moto,
            replace: collection =>
            {
                collection.Remove(collection.Single(descriptor => descriptor.ImplementationType == typeof(SqsQueueProvisioner)));
                collection.Remove(collection.Single(descriptor => descriptor.ImplementationType == typeof(CognitoUserPoolProvisioner)));
                collection.AddSingleton<SqsQueueProvisioner>();
                collection.AddSingleton<CognitoUserPoolProvisioner>();
                collection.AddSingleton<IResourceProvisioner>(provider => new OverlapCountingQueues(provider.GetRequiredService<SqsQueueProvisioner>()));
                collection.AddSingleton<IResourceProvisioner>(provider => new HeldPools(provider.GetRequiredService<CognitoUserPoolProvisioner>()));
            });
        var queues = services.GetServices<IResourceProvisioner>().OfType<OverlapCountingQueues>().Single();
        var pools = services.GetServices<IResourceProvisioner>().OfType<HeldPools>().Single();
        var progress = services.GetRequiredService<ProvisioningProgress>();
        progress.Began();

        var provisioning = services.GetRequiredService<StackProvisioner>().ProvisionAsync(TestContext.Current.CancellationToken);
        var function = await progress.FunctionAsync(resource => resource.LogicalId == "ExternalLambda1", TestContext.Current.CancellationToken)
            .WaitAsync(ReceiveDeadline, TestContext.Current.CancellationToken);
        var poolsStillHeld = !provisioning.IsCompleted;
        pools.Release();
        var stack = await provisioning.WaitAsync(ReceiveDeadline, TestContext.Current.CancellationToken);

        Assert.True(poolsStillHeld, $"The stack was provisioned while {HeldPools.HeldPool} was held.");
        Assert.Equal(Stack.Get("ExternalLambda1").PhysicalId, function!.PhysicalId);
        Assert.Equal(2, queues.MostAtOnce);
        Assert.Equal(Stack.Outputs["UserPool1Id"], stack.Outputs["UserPool1Id"]);
    }

    private async Task<JsonElement> SignInAsync(DevUser user, string password)
    {
        var reply = await Aws(
            "cognito-idp", "initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH", "--client-id", user.ClientId,
            "--auth-parameters", AwsCli.AuthParameters(user.Email, password));
        return reply!.Value.GetProperty("AuthenticationResult");
    }

    private async Task<JsonElement> ReceiveOneAsync(string queueUrl)
    {
        var deadline = DateTimeOffset.UtcNow + ReceiveDeadline;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var reply = await Aws("sqs", "receive-message", "--queue-url", queueUrl, "--wait-time-seconds", "1");
            if (reply is { } json && json.TryGetProperty("Messages", out var messages) && messages.GetArrayLength() > 0)
            {
                using var envelope = JsonDocument.Parse(messages[0].GetProperty("Body").GetString()!);
                return envelope.RootElement.Clone();
            }
        }

        throw new TimeoutException($"No message reached {queueUrl} within {ReceiveDeadline}.");
    }

    /// <summary>The queue provisioner, counting how many queues are being made at once; the first waits for a second.</summary>
    private sealed class OverlapCountingQueues(SqsQueueProvisioner queues) : IResourceProvisioner
    {
        private readonly TaskCompletionSource _second = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inside;
        private int _most;

        public int MostAtOnce => Volatile.Read(ref _most);

        public IReadOnlySet<string> ProvisionedTypes => queues.ProvisionedTypes;

        public async Task<ProvisionedResource> ProvisionAsync(
            TemplateResource resource, JsonObject resolvedProperties, StackState state, CancellationToken cancellationToken)
        {
            var inside = Interlocked.Increment(ref _inside);
            int seen;
            while ((seen = Volatile.Read(ref _most)) < inside && Interlocked.CompareExchange(ref _most, inside, seen) != seen)
            {
            }

            try
            {
                if (inside >= 2)
                {
                    _second.TrySetResult();
                }

                // Without a second at once within the deadline, this one goes on alone and MostAtOnce stays 1.
                await Task.WhenAny(_second.Task, Task.Delay(TimeSpan.FromSeconds(20), cancellationToken));
                return await queues.ProvisionAsync(resource, resolvedProperties, state, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inside);
            }
        }
    }

    /// <summary>The user pool provisioner, holding <see cref="HeldPool"/> until released.</summary>
    private sealed class HeldPools(CognitoUserPoolProvisioner pools) : IResourceProvisioner
    {
        public const string HeldPool = "MyUserPool2";

        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlySet<string> ProvisionedTypes => pools.ProvisionedTypes;

        public void Release() => _released.TrySetResult();

        public async Task<ProvisionedResource> ProvisionAsync(
            TemplateResource resource, JsonObject resolvedProperties, StackState state, CancellationToken cancellationToken)
        {
            if (resource.LogicalId == HeldPool)
            {
                await _released.Task.WaitAsync(cancellationToken);
            }

            return await pools.ProvisionAsync(resource, resolvedProperties, state, cancellationToken);
        }
    }

    private sealed class FailingQueueProvisioner : IResourceProvisioner
    {
        public IReadOnlySet<string> ProvisionedTypes { get; } = new HashSet<string>(StringComparer.Ordinal) { SqsQueueProvisioner.Type };

        public Task<ProvisionedResource> ProvisionAsync(
            TemplateResource resource, JsonObject resolvedProperties, StackState state, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("engine said no");
    }
}
