extern alias AppHost;

using SecureLambda.Testing;
using Testcontainers.LocalStack;
using Engine = AppHost::SecureLambda.AppHost.Hosting.Engine;
using ResourceNames = AppHost::SecureLambda.AppHost.Hosting.ResourceNames;
using static SecureLambda.IntegrationTests.AppHost.SecureLambdaApp;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// The AppHost with <c>Engine=LocalStack</c> pointed at a LocalStack container that Testcontainers started (the pinned
/// <see cref="Engine.LocalStackTag"/>, or <c>latest</c> when <c>LOCALSTACK_AUTH_TOKEN</c> is given), with Cognito on the
/// moto the AppHost runs beside it; LocalCloud provisions the same template into it.
/// </summary>
public sealed class LocalStackApp(Uri localStack) : SecureLambdaApp
{
    public static string? AuthToken => Environment.GetEnvironmentVariable("LOCALSTACK_AUTH_TOKEN") is { Length: > 0 } token ? token : null;

    public static string Image => $"localstack/localstack:{(AuthToken is null ? Engine.LocalStackTag : "latest")}";

    protected override IEnumerable<string> ExtraArguments => ["--Engine=LocalStack", $"--Engine:Url={localStack}"];

    protected override string CognitoResource => ResourceNames.CognitoEngine;
}

[Collection(AppHostCollectionDefinition.Name)]
public sealed class LocalStackEngineTests
{
    [Fact]
    public async Task OnLocalStack_EachUserIsGreetedOnTheirRoute_TheOtherPoolIs401_AndInternalLambdaLogsTheGreetings()
    {
        if (await DockerEngine.WhyImageUnavailableAsync(LocalStackApp.Image, TestContext.Current.CancellationToken).WaitAsync(StartTimeout, TestContext.Current.CancellationToken) is { } reason)
        {
            Assert.Skip($"Needs a Docker engine with {LocalStackApp.Image}, and {reason}.");
        }

        await DockerEngine.PrepareTestcontainersAsync(TestContext.Current.CancellationToken);
        var builder = new LocalStackBuilder(LocalStackApp.Image);
        if (LocalStackApp.AuthToken is { } token)
        {
            builder = builder.WithEnvironment("LOCALSTACK_AUTH_TOKEN", token);
        }

        await using var localStack = builder.Build();
        await localStack.StartAsync(TestContext.Current.CancellationToken).WaitAsync(StartTimeout, TestContext.Current.CancellationToken);
        var stack = new LocalStackApp(new Uri(localStack.GetConnectionString()));
        try
        {
            await stack.InitializeAsync();
            await stack.AssertEachUserIsGreetedOnlyOnTheirOwnRouteAsync();
        }
        finally
        {
            await stack.DisposeAsync();
        }
    }
}
