using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecureLambda.Aws.Cognito;
using SecureLambda.Aws.Core;

namespace SecureLambda.AppHost;

/// <summary>
/// Dashboard commands on <c>localcloud</c>: sign a dev user in through Cognito and send a greeting through the
/// gateway, the same two calls a client makes. Each click is one trace: the AppHost's span is the parent of
/// LocalCloud's, and the functions' spans follow from there.
/// </summary>
public static class DashboardCommands
{
    private const string User1 = "user1@example.com";
    private const string User2 = "user2@example.com";
    private const int TokenPrefixLength = 16;

    public static IResourceBuilder<ProjectResource> WithGreetingCommands(
        this IResourceBuilder<ProjectResource> localCloud,
        EndpointReference cognito,
        string region,
        IResourceBuilder<ParameterResource> user1Password,
        IResourceBuilder<ParameterResource> user2Password)
    {
        localCloud.ApplicationBuilder.Services.AddSingleton<AppHostTracing>();
        var gateway = localCloud.GetEndpoint("http");
        var user1 = new DevUser(User1, "UserPool1ClientId", user1Password.Resource);
        var user2 = new DevUser(User2, "UserPool2ClientId", user2Password.Resource);

        return localCloud
            .WithCommand("get-id-token-user1", "Get ID token (user1)",
                context => GetIdTokenAsync(context, gateway, cognito, region, user1), Options("Signs user1 in to pool 1 and shows the start of the ID token.", "Key"))
            .WithCommand("get-id-token-user2", "Get ID token (user2)",
                context => GetIdTokenAsync(context, gateway, cognito, region, user2), Options("Signs user2 in to pool 2 and shows the start of the ID token.", "Key"))
            .WithCommand("greet-user1-lambda1", "Send greeting as user1 → /lambda1",
                context => SendGreetingAsync(context, gateway, cognito, region, user1, "lambda1", HttpStatusCode.OK), Options("POST {\"name\":\"Ada\"} with user1's token: expect 200 and a trace through ExternalLambda1 and InternalLambda.", "Send"))
            .WithCommand("greet-user1-lambda2", "Send greeting as user1 → /lambda2 (expect 401)",
                context => SendGreetingAsync(context, gateway, cognito, region, user1, "lambda2", HttpStatusCode.Unauthorized), Options("POST with pool 1's token to pool 2's route: the authorizer must refuse it.", "ShieldError"));
    }

    private static CommandOptions Options(string description, string icon) => new()
    {
        Description = description,
        IconName = icon,
        // The outputs, pools and dev users exist only once LocalCloud has provisioned them, which is what its health says.
        UpdateState = context => context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy
            ? ResourceCommandState.Enabled
            : ResourceCommandState.Disabled,
    };

    private static async Task<ExecuteCommandResult> GetIdTokenAsync(ExecuteCommandContext context, EndpointReference gateway, EndpointReference cognito, string region, DevUser user)
    {
        context.Services.GetRequiredService<AppHostTracing>();
        using var activity = StartClickActivity($"Get ID token ({user.Email})");
        try
        {
            var token = await SignInAsync(gateway, cognito, region, user, context.CancellationToken);
            return CommandResults.Success(string.Create(CultureInfo.InvariantCulture,
                $"ID token for {user.Email} ({token.Length} characters): {token[..Math.Min(TokenPrefixLength, token.Length)]}…"));
        }
        catch (CommandException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            return CommandResults.Failure(e.Message);
        }
    }

    private static async Task<ExecuteCommandResult> SendGreetingAsync(
        ExecuteCommandContext context, EndpointReference gateway, EndpointReference cognito, string region, DevUser user, string route, HttpStatusCode expected)
    {
        context.Services.GetRequiredService<AppHostTracing>();
        var ct = context.CancellationToken;
        using var activity = StartClickActivity($"Send greeting as {user.Email} → /{route}");
        try
        {
            var token = await SignInAsync(gateway, cognito, region, user, ct);
            var outputs = await GetOutputsAsync(gateway, ct);
            var apiUrl = outputs["ApiUrl"]?.GetValue<string>() ?? throw new CommandException("LocalCloud's outputs have no ApiUrl.");
            var url = new Uri($"{apiUrl.TrimEnd('/')}/{route}");

            using var post = AppHostTracing.Source.StartActivity($"POST /{route}", ActivityKind.Client);
            post?.SetTag("http.request.method", "POST");
            post?.SetTag("url.full", url.ToString());
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent("""{"name":"Ada"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", token);
            // W3C trace context from our span, so LocalCloud's request span becomes its child.
            Propagate(post ?? activity, request);
            using var response = await Http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            post?.SetTag("http.response.status_code", (int)response.StatusCode);

            var traceId = activity?.TraceId.ToHexString();
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"{(int)response.StatusCode} {response.StatusCode}: {body}{(traceId is null ? string.Empty : $" (trace {traceId})")}");
            if (response.StatusCode != expected)
            {
                activity?.SetStatus(ActivityStatusCode.Error, $"expected {(int)expected}");
                return CommandResults.Failure(string.Create(CultureInfo.InvariantCulture, $"Expected {(int)expected}, got {summary}"));
            }

            return CommandResults.Success(summary);
        }
        catch (CommandException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            return CommandResults.Failure(e.Message);
        }
    }

    /// <summary>
    /// Cognito <c>InitiateAuth</c> with <c>USER_PASSWORD_AUTH</c> through SecureLambda.Aws's Cognito client, the same
    /// client the rest of the stack uses; its span (<c>CognitoIdentityProvider.InitiateAuth</c>) is a child of the click's.
    /// </summary>
    private static async Task<string> SignInAsync(EndpointReference gateway, EndpointReference cognito, string region, DevUser user, CancellationToken ct)
    {
        var outputs = await GetOutputsAsync(gateway, ct);
        var clientId = outputs[user.ClientIdOutput]?.GetValue<string>()
            ?? throw new CommandException($"LocalCloud's outputs have no {user.ClientIdOutput}.");
        var password = await user.Password.GetValueAsync(ct)
            ?? throw new CommandException($"The parameter {user.Password.Name} has no value.");
        var engine = await cognito.GetValueAsync(ct) ?? throw new CommandException("The Cognito engine has no endpoint yet.");

        var context = new AwsClientContext(
            // InitiateAuth goes unsigned, so no credentials are ever asked for.
            new EnvironmentCredentialsProvider(static _ => null),
            region,
            new AwsEndpointResolver(name => name == AwsServiceDescriptor.CognitoIdentityProvider.EndpointVariable ? engine : null),
            AwsRetryPolicy.Default,
            TimeProvider.System);
        try
        {
            var tokens = await new CognitoIdentityProviderClient(Http, context).InitiateUserPasswordAuthAsync(clientId, user.Email, password, ct);
            return tokens.IdToken ?? throw new CommandException($"Sign-in of {user.Email} returned no ID token.");
        }
        catch (AwsServiceException error)
        {
            // Cognito's error names the error type and says why; it never echoes the password.
            throw new CommandException(string.Create(CultureInfo.InvariantCulture,
                $"Sign-in of {user.Email} failed: {(int)error.StatusCode} {error.ErrorCode}: {error.AwsMessage}"));
        }
        catch (CognitoChallengeException challenge)
        {
            throw new CommandException($"Sign-in of {user.Email} returned no ID token ({challenge.Message})");
        }
    }

    private static async Task<JsonNode> GetOutputsAsync(EndpointReference gateway, CancellationToken ct)
    {
        var baseUrl = await gateway.GetValueAsync(ct) ?? throw new CommandException("LocalCloud has no endpoint yet.");
        using var response = await Http.GetAsync(new Uri(baseUrl.TrimEnd('/') + "/_localcloud/outputs"), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new CommandException(string.Create(CultureInfo.InvariantCulture, $"GET /_localcloud/outputs: {(int)response.StatusCode} {body}"));
        }

        return JsonNode.Parse(body)?["Outputs"] ?? throw new CommandException("LocalCloud's outputs have no Outputs object.");
    }

    /// <summary>
    /// A click is where the trace starts. The command runs inside the dashboard's gRPC call to the AppHost, whose
    /// request activity is neither sampled nor exported: as a parent it would make the sampler drop our spans.
    /// </summary>
    private static Activity? StartClickActivity(string name)
    {
        Activity.Current = null;
        return AppHostTracing.Source.StartActivity(name);
    }

    private static void Propagate(Activity? activity, HttpRequestMessage request)
    {
        if (activity is null)
        {
            return;
        }

        DistributedContextPropagator.Current.Inject(activity, request, static (carrier, name, value) =>
            ((HttpRequestMessage)carrier!).Headers.TryAddWithoutValidation(name, value));
    }

    // The propagation is ours (above), not the handler's: one traceparent, from the span we chose.
    private static readonly HttpClient Http = new(new SocketsHttpHandler { ActivityHeadersPropagator = null })
    {
        Timeout = TimeSpan.FromSeconds(30),

        // Like every real client; the web ACL's core rule set blocks a request without one (NoUserAgent_HEADER).
        DefaultRequestHeaders = { { "User-Agent", "SecureLambda.AppHost/1.0" } },
    };

    private sealed record DevUser(string Email, string ClientIdOutput, ParameterResource Password);

    /// <summary>A failure whose message is fit for the dashboard: what was called, the status and the body.</summary>
    private sealed class CommandException(string message) : Exception(message);
}
