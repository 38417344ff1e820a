using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.Aws.Cognito;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.LocalCloud;

namespace SecureLambda.AppHost.Hosting;

/// <summary>
/// Dashboard commands on the resources they act on: each user pool signs its dev user in, and the REST API sends a
/// greeting through each route its Cognito authorizers guard, as the pool's own user (200) and as another pool's
/// (401), the same two calls a client makes. Each click is one trace: the AppHost's span is the parent of LocalCloud's,
/// and the functions' spans follow from there. The fault commands add a rule to LocalCloud's fault injection
/// (<c>POST /_localcloud/faults</c> on the AWS endpoint, which appends, so the commands add up) and the stack's
/// "Clear faults" removes every rule.
/// </summary>
public static class DashboardCommands
{
    /// <summary>The fault rules' API on the stack's AWS endpoint: GET lists, PUT replaces, POST appends, DELETE clears.</summary>
    public const string FaultsPath = "/_localcloud/faults";

    public const string ClearFaultsCommand = "clear-faults";

    private const int TokenPrefixLength = 16;
    private const string GreetingBody = """{"name":"Ada"}""";

    /// <summary>"Get ID token (user1)" on the user's pool.</summary>
    public static IResourceBuilder<StackTemplateResource> WithSignInCommand(this IResourceBuilder<StackTemplateResource> pool, StackDevUserResource user)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(user);
        var stack = pool.Resource.Stack;
        return pool.WithCommand($"get-id-token-{user.Name}", $"Get ID token ({user.Name})",
            context => GetIdTokenAsync(context, stack, user),
            Options($"Signs {user.Email} in to {user.UserPool} and shows the start of the ID token.", "Key"));
    }

    /// <summary>
    /// For each route a Cognito authorizer guards: a greeting as the dev user of the route's pool, expecting 200, and
    /// as the dev user of another pool, expecting 401: the authorizer must keep the pools apart.
    /// </summary>
    public static void WithGreetingCommands(IResourceBuilder<LocalCloudStackResource> stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var model = stack.Resource;
        foreach (var route in ApiRoutes.CognitoRoutes(model.Template))
        {
            var api = stack.ApplicationBuilder.CreateResourceBuilder(model.TemplateResources.Single(resource => resource.LogicalId == route.RestApi));
            if (model.DevUsers.FirstOrDefault(user => route.UserPools.Contains(user.UserPool)) is { } member)
            {
                api.WithCommand($"greet-{member.Name}-{Slug(route.Path)}", $"Send greeting as {member.Name} → {route.Path}",
                    context => SendGreetingAsync(context, model, member, route, HttpStatusCode.OK),
                    Options($"{route.HttpMethod} {GreetingBody} to {route.Path} with {member.Name}'s token: expect 200 and a trace through the function and the topic's subscriber.", "Send"));
            }

            if (model.DevUsers.FirstOrDefault(user => !route.UserPools.Contains(user.UserPool)) is { } stranger)
            {
                api.WithCommand($"greet-{stranger.Name}-{Slug(route.Path)}", $"Send greeting as {stranger.Name} → {route.Path} (expect 401)",
                    context => SendGreetingAsync(context, model, stranger, route, HttpStatusCode.Unauthorized),
                    Options($"{route.HttpMethod} with {stranger.UserPool}'s token to a route of {string.Join(", ", route.UserPools)}: the authorizer must refuse it.", "ShieldError"));
            }
        }
    }

    /// <summary>
    /// The fault command of a template resource, if its type has one: "Fail GetSecretValue" on a secret, "Throttle
    /// Publish" on a topic, "Crash invocations" on a function. A rule names a service and operation (and, for Lambda, a
    /// function), so a secret's or a topic's command fails that operation on every secret or topic of the stack.
    /// </summary>
    public static FaultCommand? FaultCommandFor(StackTemplateResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource.Type switch
        {
            // https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html
            "AWS::SecretsManager::Secret" => new("fail-get-secret-value", "Fail GetSecretValue",
                "Adds a fault rule: every GetSecretValue through the stack's AWS endpoint fails with 400 ThrottlingException, until Clear faults on the stack.",
                "ErrorCircle",
                """{"service":"secretsmanager","operation":"GetSecretValue","error":{"statusCode":400,"code":"ThrottlingException","message":"Rate exceeded"}}"""),
            // SNS's ThrottledException, whose Query error code is Throttled: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
            "AWS::SNS::Topic" => new("throttle-publish", "Throttle Publish",
                "Adds a fault rule: every SNS Publish through the stack's AWS endpoint fails with 429 Throttled, until Clear faults on the stack.",
                "TopSpeed",
                """{"service":"sns","operation":"Publish","error":{"statusCode":429,"code":"Throttled","message":"Rate exceeded"}}"""),
            // What Lambda reports when the runtime process dies mid-invocation.
            StackDashboard.LambdaFunctionType => new("crash-invocations", "Crash invocations",
                $"Adds a fault rule: every invocation of {resource.LogicalId} fails as a crash (Runtime.ExitError) without reaching its process: the API answers 502, asynchronous events are retried and go to the on-failure destination. Until Clear faults on the stack.",
                "Warning",
                $$$"""{"service":"lambda","function":"{{{resource.LogicalId}}}","error":{"code":"Runtime.ExitError","message":"Runtime exited with error: exit status 1"}}"""),
            _ => null,
        };
    }

    /// <summary>The fault commands on the template's resources, and "Clear faults" on the stack.</summary>
    public static void WithFaultCommands(IResourceBuilder<LocalCloudStackResource> stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var model = stack.Resource;
        foreach (var resource in model.TemplateResources)
        {
            if (FaultCommandFor(resource) is { } command)
            {
                stack.ApplicationBuilder.CreateResourceBuilder(resource).WithCommand(command.Name, command.DisplayName,
                    context => ChangeFaultsAsync(context, model, command.DisplayName, HttpMethod.Post, $"[{command.Rule}]"),
                    Options(command.Description, command.Icon));
            }
        }

        stack.WithCommand(ClearFaultsCommand, "Clear faults",
            context => ChangeFaultsAsync(context, model, "Clear faults", HttpMethod.Delete, rules: null),
            Options("Removes every fault rule: the stack's AWS calls and invocations are served normally again.", "ArrowUndo"));
    }

    private static async Task<ExecuteCommandResult> ChangeFaultsAsync(ExecuteCommandContext context, LocalCloudStackResource stack, string name, HttpMethod method, string? rules)
    {
        context.Services.GetRequiredService<AppHostTracing>();
        var ct = context.CancellationToken;
        using var activity = StartClickActivity(name);
        try
        {
            var awsEndpoint = await stack.AwsEndpoint.GetValueAsync(ct) ?? throw new CommandException("LocalCloud has no AWS endpoint yet.");
            using var request = new HttpRequestMessage(method, new Uri($"{awsEndpoint.TrimEnd('/')}{FaultsPath}"));
            if (rules is not null)
            {
                request.Content = new StringContent(rules, Encoding.UTF8, "application/json");
            }

            Propagate(activity, request);
            using var response = await Http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new CommandException(string.Create(CultureInfo.InvariantCulture, $"LocalCloud refused the change: {(int)response.StatusCode} {body}"));
            }

            return CommandResults.Success(rules is null
                ? "No fault rules: calls and invocations are served normally."
                : string.Create(CultureInfo.InvariantCulture, $"Fault rule added ({RuleCount(body)} in all; Clear faults on the stack removes them): {rules}"));
        }
        catch (HttpRequestException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            return CommandResults.Failure($"LocalCloud did not answer: {e.Message}");
        }
        catch (CommandException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            return CommandResults.Failure(e.Message);
        }
    }

    private static int RuleCount(string rules)
    {
        try
        {
            using var document = JsonDocument.Parse(rules);
            return document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.GetArrayLength() : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    private static string Slug(string path) => path.Trim('/').Replace('/', '-') is { Length: > 0 } slug ? slug : "root";

    private static CommandOptions Options(string description, string icon) => new()
    {
        Description = description,
        IconName = icon,
        // The pools, app clients and dev users exist once LocalCloud has provisioned them: the resource then shows a
        // success state (provisioned or emulated).
        UpdateState = context => context.ResourceSnapshot.State?.Style == KnownResourceStateStyles.Success
            ? ResourceCommandState.Enabled
            : ResourceCommandState.Disabled,
    };

    private static async Task<ExecuteCommandResult> GetIdTokenAsync(ExecuteCommandContext context, LocalCloudStackResource stack, StackDevUserResource user)
    {
        context.Services.GetRequiredService<AppHostTracing>();
        using var activity = StartClickActivity($"Get ID token ({user.Email})");
        try
        {
            var token = await SignInAsync(stack, await GetStackAsync(stack, context.CancellationToken), user, context.CancellationToken);
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
        ExecuteCommandContext context, LocalCloudStackResource stack, StackDevUserResource user, CognitoRoute route, HttpStatusCode expected)
    {
        context.Services.GetRequiredService<AppHostTracing>();
        var ct = context.CancellationToken;
        using var activity = StartClickActivity($"Send greeting as {user.Email} → {route.Path}");
        try
        {
            var view = await GetStackAsync(stack, ct);
            var token = await SignInAsync(stack, view, user, ct);
            var url = new Uri($"{await StageUrlAsync(stack, view, route.RestApi, ct)}{route.Path}");

            using var post = AppHostTracing.Source.StartActivity($"{route.HttpMethod} {route.Path}", ActivityKind.Client);
            post?.SetTag("http.request.method", route.HttpMethod);
            post?.SetTag("url.full", url.ToString());
            using var request = new HttpRequestMessage(new HttpMethod(route.HttpMethod), url)
            {
                Content = new StringContent(GreetingBody, Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", token);
            if (DevApiKeyFor(view, user) is { } apiKey)
            {
                request.Headers.TryAddWithoutValidation("x-api-key", apiKey.Value);
                post?.SetTag("securelambda.apikey.id", apiKey.Id);
            }

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

    /// <summary>Where the API's stage is served: LocalCloud's address and the stage's name, as the dashboard shows its invoke URL.</summary>
    private static async Task<string> StageUrlAsync(LocalCloudStackResource stack, EmulatedStack view, string restApi, CancellationToken ct)
    {
        var stages = ApiRoutes.StagesOf(stack.Template, restApi);
        var stage = view.Resources.FirstOrDefault(resource => stages.Contains(resource.LogicalResourceId))
            ?? throw new CommandException($"LocalCloud serves no stage of {restApi}.");
        var baseUrl = await stack.LocalCloudEndpoint.GetValueAsync(ct) ?? throw new CommandException("LocalCloud has no endpoint yet.");
        return StackView.InvokeUrl(baseUrl, stage.PhysicalResourceId);
    }

    private static async Task<EmulatedStack> GetStackAsync(LocalCloudStackResource stack, CancellationToken ct)
    {
        var baseUrl = await stack.LocalCloudEndpoint.GetValueAsync(ct) ?? throw new CommandException("LocalCloud has no endpoint yet.");
        try
        {
            var view = await new LocalCloudClient(Http, new Uri(baseUrl)).GetStackAsync(ct);
            return view.StackStatus == EmulatedStack.Complete
                ? view
                : throw new CommandException($"The stack is not provisioned: {view.StackStatus} {view.StackStatusReason}".TrimEnd());
        }
        catch (HttpRequestException e)
        {
            throw new CommandException($"LocalCloud did not answer: {e.Message}");
        }
    }

    /// <summary>
    /// The dev API key the user's client app sends: the Nth dev user signs in through the Nth client app (user1 through
    /// client app 1, user2 through client app 2), as a person uses one app; null for a stack without keys.
    /// </summary>
    internal static StackDevApiKey? DevApiKeyFor(EmulatedStack view, StackDevUserResource user)
    {
        if (view.DevApiKeys.Count == 0)
        {
            return null;
        }

        var index = Math.Max(0, view.DevUsers.ToList().FindIndex(candidate => candidate.Email == user.Email));
        return view.DevApiKeys[index % view.DevApiKeys.Count];
    }

    /// <summary>
    /// Cognito <c>InitiateAuth</c> with <c>USER_PASSWORD_AUTH</c> through SecureLambda.Aws's Cognito client, the same
    /// client the rest of the stack uses; its span (<c>CognitoIdentityProvider.InitiateAuth</c>) is a child of the click's.
    /// </summary>
    private static async Task<string> SignInAsync(LocalCloudStackResource stack, EmulatedStack view, StackDevUserResource user, CancellationToken ct)
    {
        var clientId = view.DevUsers.FirstOrDefault(candidate => candidate.Email == user.Email)?.ClientId
            ?? throw new CommandException($"LocalCloud made no dev user {user.Email}.");
        var password = await user.Password.GetValueAsync(ct)
            ?? throw new CommandException($"The parameter {user.Password.Name} has no value.");
        var awsEndpoint = await stack.AwsEndpoint.GetValueAsync(ct) ?? throw new CommandException("LocalCloud has no AWS endpoint yet.");
        var region = stack.Engine?.Region ?? Engine.DefaultRegion;

        var context = new AwsClientContext(
            // InitiateAuth goes unsigned, so no credentials are ever asked for.
            new EnvironmentCredentialsProvider(static _ => null),
            region,
            new AwsEndpointResolver(name => name == AwsEndpointResolver.GlobalEndpointVariable ? awsEndpoint : null),
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

    /// <summary>A failure whose message is fit for the dashboard: what was called, the status and the body.</summary>
    private sealed class CommandException(string message) : Exception(message);
}

/// <summary>A dashboard command that adds one fault rule (<paramref name="Rule"/>, a JSON object) to LocalCloud's.</summary>
public sealed record FaultCommand(string Name, string DisplayName, string Description, string Icon, string Rule);
