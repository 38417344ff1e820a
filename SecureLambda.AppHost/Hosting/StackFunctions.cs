using System.Text;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Lambda;

namespace SecureLambda.AppHost.Hosting;

/// <summary>
/// The template's functions as Aspire resources: one process per <c>AWS::Lambda::Function</c>, each told what Lambda
/// tells a function (its <c>Handler</c> as <c>_HANDLER</c>, its physical name, memory size and resolved
/// <c>Environment</c>) by LocalCloud's <c>GetFunctionConfiguration</c>, so that nothing of the template is repeated here.
/// </summary>
public static class StackFunctions
{
    /// <summary>The dashboard's name for a function: its logical id in kebab case (<c>ExternalLambda1</c> is <c>external-lambda-1</c>).</summary>
    public static string ResourceName(string logicalId)
    {
        ArgumentException.ThrowIfNullOrEmpty(logicalId);
        var name = new StringBuilder(logicalId.Length + 4);
        for (var i = 0; i < logicalId.Length; i++)
        {
            var c = logicalId[i];
            var startsWord = i > 0 && (char.IsUpper(c) || (char.IsDigit(c) && !char.IsDigit(logicalId[i - 1])));
            if (startsWord)
            {
                name.Append('-');
            }

            name.Append(char.ToLowerInvariant(c));
        }

        return name.ToString();
    }

    /// <summary>
    /// Points the process's AWS clients at the stack's AWS endpoint with fresh credentials of a role session of its own
    /// (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>), as Lambda hands a function its
    /// execution role's session, and gives LocalCloud the same credentials for <paramref name="logicalId"/>, so that it
    /// verifies the process's signatures and decides its calls by the role's policies.
    /// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithExecutionRoleSession(
        this IResourceBuilder<ProjectResource> process, string logicalId, IResourceBuilder<ProjectResource> localCloud, EndpointReference awsEndpoint, Func<string> region)
    {
        var session = AwsCredentials.NewTemporary();
        var prefix = $"LocalCloud__Lambda__Credentials__{logicalId}__";
        localCloud
            .WithEnvironment(prefix + "AccessKeyId", session.AccessKeyId)
            .WithEnvironment(prefix + "SecretAccessKey", session.SecretAccessKey)
            .WithEnvironment(prefix + "SessionToken", session.SessionToken);
        return process
            .WithEnvironment("AWS_ENDPOINT_URL", awsEndpoint)
            .WithEnvironment(context =>
            {
                context.EnvironmentVariables["AWS_REGION"] = region();
                context.EnvironmentVariables["AWS_DEFAULT_REGION"] = region();
            })
            .WithEnvironment(EnvironmentCredentialsProvider.AccessKeyIdVariable, session.AccessKeyId)
            .WithEnvironment(EnvironmentCredentialsProvider.SecretAccessKeyVariable, session.SecretAccessKey)
            .WithEnvironment(EnvironmentCredentialsProvider.SessionTokenVariable, session.SessionToken);
    }

    /// <summary>
    /// Tells LocalCloud how to start more execution environments of the functions: the JIT build of
    /// <paramref name="project"/>, run with <c>dotnet</c> (unless <c>LocalCloud:Lambda:Bootstrap:Command</c>
    /// names another binary, such as the published Native AOT <c>bootstrap</c>), reporting telemetry under each
    /// function's dashboard name. <c>LocalCloud:Lambda:Environments:{LogicalId}</c> bounds a function's environments;
    /// under a debugger (the AppHost's own, or an IDE's debug session) every function keeps to one.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithExecutionEnvironmentsOf(
        this IResourceBuilder<ProjectResource> localCloud, IProjectMetadata project, IEnumerable<string> logicalIds)
    {
        var configuration = localCloud.ApplicationBuilder.Configuration;
        if (configuration["LocalCloud:Lambda:Bootstrap:Command"] is { Length: > 0 } command)
        {
            localCloud.WithEnvironment("LocalCloud__Lambda__Bootstrap__Command", command);
        }
        else
        {
            localCloud
                .WithEnvironment("LocalCloud__Lambda__Bootstrap__Command", "dotnet")
                .WithEnvironment("LocalCloud__Lambda__Bootstrap__Arguments__0", BuildOutput.AssemblyOf(project.ProjectPath));
        }

        // Each function's own resource is its first environment; LocalCloud starts the others, whose output it writes
        // for ExecutionEnvironmentsOutput to show in the function's console.
        localCloud
            .WithEnvironment("LocalCloud__Lambda__Bootstrap__HostedEnvironments", "1")
            .WithEnvironment("LocalCloud__Lambda__Bootstrap__OutputToStandardOutput", "true");
        var debugging = System.Diagnostics.Debugger.IsAttached || BuildOutput.InIdeDebugSession(configuration);
        foreach (var logicalId in logicalIds)
        {
            localCloud.WithEnvironment($"LocalCloud__Lambda__Bootstrap__ServiceNames__{logicalId}", ResourceName(logicalId));
            var bound = configuration[$"LocalCloud:Lambda:Environments:{logicalId}"] ?? (debugging ? "1" : null);
            if (bound is not null)
            {
                localCloud.WithEnvironment($"LocalCloud__Lambda__Environments__{logicalId}", bound);
            }
        }

        return localCloud;
    }

    /// <summary>
    /// At start, asks LocalCloud (<paramref name="lambdaApi"/>, signed with the local account's credentials) for the
    /// function's configuration and sets what Lambda sets from it. LocalCloud answers once the function's own resource is
    /// created, so the process starts with the resolved environment, as in AWS, where a function exists once its resource
    /// does, while the rest of its stack may still be created.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithConfigurationOf(
        this IResourceBuilder<ProjectResource> process, string logicalId, EndpointReference lambdaApi, Func<string> region) =>
        process.WithEnvironment(async context =>
        {
            if (!context.ExecutionContext.IsRunMode)
            {
                return;
            }

            var configuration = await GetWhenListeningAsync(logicalId, lambdaApi, region(), context.CancellationToken);
            foreach (var (name, value) in configuration.Variables)
            {
                context.EnvironmentVariables[name] = value;
            }

            // Lambda's own variables come last: a function's Environment may not set them (they are reserved).
            foreach (var (name, value) in LambdaFunctionVariables.Of(configuration.Handler, configuration.FunctionName, configuration.MemorySize))
            {
                context.EnvironmentVariables[name] = value;
            }
        });

    private static async Task<FunctionConfiguration> GetWhenListeningAsync(string logicalId, EndpointReference lambdaApi, string region, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_LAMBDA"] = lambdaApi.Url,
            ["AWS_REGION"] = region,
            [AwsEngineReference.AccessKeyIdVariable] = AwsEngineReference.LocalAccessKeyId,
            [AwsEngineReference.SecretAccessKeyVariable] = AwsEngineReference.LocalSecretAccessKey,
        };
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var lambda = new LambdaClient(http, AwsClientContext.FromEnvironment(name => environment.GetValueOrDefault(name)));
        while (true)
        {
            try
            {
                return await lambda.GetFunctionConfigurationAsync(logicalId, cancellationToken);
            }
            catch (HttpRequestException) when (!cancellationToken.IsCancellationRequested)
            {
                // LocalCloud starts with the functions and is not listening yet; the client's own retries have backed off.
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }
}
