using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using SecureLambda.Aws.LocalCloud;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Catalog;

namespace SecureLambda.AppHost.Hosting;

/// <summary>
/// Keeps the dashboard's stack tree live: it polls LocalCloud's view of the stack (<c>GET /_localcloud/stack</c>) every
/// second and publishes what changed: the stack's state and outputs, each resource's physical id, ARN and how LocalCloud
/// stands in for it, the stage's invoke URL, and each function's state and invocation count, with what its processes
/// report. The views themselves are pure (<see cref="StackView"/>); this class only fetches and publishes.
/// </summary>
internal sealed class StackDashboard(DistributedApplicationModel model, ResourceNotificationService notifications) : BackgroundService
{
    public const string LambdaFunctionType = "AWS::Lambda::Function";

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<IResource, CustomResourceSnapshot> _processes = new();

    public static CustomResourceSnapshot InitialStackState(string templatePath) => new()
    {
        ResourceType = StackView.StackResourceType,
        State = new ResourceStateSnapshot(StackView.WaitingForLocalCloud, KnownResourceStateStyles.Info),
        Properties = [new ResourcePropertySnapshot(CustomResourceKnownProperties.Source, templatePath)],
    };

    public static CustomResourceSnapshot InitialResourceState(TemplateResource definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new()
        {
            ResourceType = definition.Type,
            State = new ResourceStateSnapshot(StackView.Pending, KnownResourceStateStyles.Info),
            Properties = [new ResourcePropertySnapshot(StackView.LogicalIdProperty, definition.LogicalId), new ResourcePropertySnapshot(StackView.TypeProperty, definition.Type)],
        };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watch = WatchProcessesAsync(stoppingToken);
        await Task.WhenAll(model.Resources.OfType<LocalCloudStackResource>().Select(stack => FollowAsync(stack, stoppingToken)));
        await watch;
    }

    /// <summary>The newest snapshot of every process, for the functions' view: a crashed process is a crashed environment.</summary>
    private async Task WatchProcessesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                if (update.Resource is ProjectResource)
                {
                    _processes[update.Resource] = update.Snapshot;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The AppHost stops.
        }
    }

    private async Task FollowAsync(LocalCloudStackResource stack, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var published = new Dictionary<IResource, StackView.ResourceView>();
        var answeredOnce = false;
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            // LocalCloud's port is fixed in the model, so its address is known before it listens.
            var baseUrl = await stack.LocalCloudEndpoint.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"{stack.LocalCloud.Name} has no http endpoint.");
            var localCloud = new LocalCloudClient(http, new Uri(baseUrl));
            do
            {
                EmulatedStack? view = null;
                try
                {
                    view = await localCloud.GetStackAsync(cancellationToken);
                    answeredOnce = true;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // LocalCloud is not listening yet, or has stopped: the views say so.
                }

                foreach (var (resource, next) in StackView.Describe(stack, view, answeredOnce, baseUrl, resource => _processes.GetValueOrDefault(resource)))
                {
                    if (published.TryGetValue(resource, out var last) && last.SameAs(next))
                    {
                        continue;
                    }

                    published[resource] = next;
                    await notifications.PublishUpdateAsync(resource, next.ApplyTo);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The AppHost stops.
        }
    }
}

/// <summary>
/// What the dashboard shows of a stack and each of its resources, given LocalCloud's view of it (null while LocalCloud
/// does not answer) and the snapshots of the function processes. Pure, so that every state is tested without a stack.
/// </summary>
public static class StackView
{
    public const string StackResourceType = "CloudFormationStack";
    public const string WaitingForLocalCloud = "Waiting for LocalCloud";
    public const string LocalCloudUnreachable = "LocalCloud unreachable";
    public const string Pending = "Pending";
    public const string Provisioning = "Provisioning";
    public const string Provisioned = "Provisioned";
    public const string Emulated = "Emulated";
    public const string Skipped = "Skipped";
    public const string NotCreated = "Not created";
    public const string Failed = "Failed";
    public const string NotProvisioned = "Not provisioned";
    public const string Starting = "Starting";
    public const string WaitingForInvocation = "Waiting for an invocation";
    public const string Invoking = "Invoking";
    public const string Crashed = "Crashed";
    public const string DeniedCalls = "Denied calls";

    public const string LogicalIdProperty = "Logical ID";
    public const string TypeProperty = "Type";
    public const string PhysicalIdProperty = "Physical ID";
    public const string ArnProperty = "ARN";
    public const string EmulationProperty = "Emulation";
    public const string ReasonProperty = "Reason";
    public const string InvocationsProperty = "Invocations";
    public const string IdleEnvironmentsProperty = "Idle environments";
    public const string RunningInvocationsProperty = "Running invocations";
    public const string QueuedInvocationsProperty = "Queued invocations";
    public const string InitErrorsProperty = "Init errors";
    public const string LastInitErrorProperty = "Last init error";
    public const string ExitCodeProperty = "Exit code";
    public const string IamAllowedProperty = "IAM allowed";
    public const string IamDeniedProperty = "IAM denied";
    public const string LastIamDenyProperty = "Last IAM deny";
    public const string OutputPropertyPrefix = "Output ";
    public const string DevApiKeyProperty = "Dev API key";

    /// <summary>The properties this view sets; each publication replaces all of them and keeps Aspire's own.</summary>
    private static readonly HashSet<string> OwnProperties = new(StringComparer.Ordinal)
    {
        PhysicalIdProperty, ArnProperty, EmulationProperty, ReasonProperty, InvocationsProperty, IdleEnvironmentsProperty,
        RunningInvocationsProperty, QueuedInvocationsProperty, InitErrorsProperty, LastInitErrorProperty, ExitCodeProperty,
        IamAllowedProperty, IamDeniedProperty, LastIamDenyProperty, DevApiKeyProperty,
    };
    public const string InvokeUrlName = "Invoke URL";
    public const string ApiDocsUrlName = "API docs";

    /// <summary>A resource's state, style, properties and URLs, as published.</summary>
    public sealed record ResourceView(string State, string Style, ImmutableArray<(string Name, string Value)> Properties, ImmutableArray<(string Name, string Url)> Urls)
    {
        public bool SameAs(ResourceView other) =>
            State == other.State && Style == other.Style && Properties.SequenceEqual(other.Properties) && Urls.SequenceEqual(other.Urls);

        public CustomResourceSnapshot ApplyTo(CustomResourceSnapshot snapshot)
        {
            ArgumentNullException.ThrowIfNull(snapshot);
            return snapshot with
            {
                State = new ResourceStateSnapshot(State, Style),
                // Aspire's own properties (the source, for one) stay; ours are replaced as a whole.
                Properties = [.. snapshot.Properties.Where(property => !IsOurs(property.Name)), .. Properties.Select(property => new ResourcePropertySnapshot(property.Name, property.Value))],
                Urls = [.. Urls.Select(url => new UrlSnapshot(url.Name, url.Url, IsInternal: false))],
            };
        }

        private static bool IsOurs(string name) => OwnProperties.Contains(name) || name.StartsWith(OutputPropertyPrefix, StringComparison.Ordinal);
    }

    /// <summary>The view of the stack and of each of its template resources.</summary>
    /// <param name="answeredOnce">Whether LocalCloud has answered before, so that a missing answer means it stopped.</param>
    /// <param name="localCloudUrl">LocalCloud's base URL, where the stages are served.</param>
    /// <param name="processOf">The newest snapshot of a function process, or null before it has one.</param>
    public static IEnumerable<(IResource Resource, ResourceView View)> Describe(
        LocalCloudStackResource stack, EmulatedStack? view, bool answeredOnce, string localCloudUrl, Func<IResource, CustomResourceSnapshot?> processOf)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(processOf);
        yield return (stack, DescribeStack(stack, view, answeredOnce));
        var listed = view?.StackStatus == EmulatedStack.Complete
            ? view.Resources.ToDictionary(resource => resource.LogicalResourceId, StringComparer.Ordinal)
            : null;
        foreach (var resource in stack.TemplateResources)
        {
            var resourceView = DescribeResource(resource, view, listed, localCloudUrl);
            if (resource is LambdaFunctionResource function)
            {
                resourceView = DescribeFunction(function, resourceView, view, processOf);
            }

            if (view?.IamDecisions.FirstOrDefault(decisions => decisions.LogicalResourceId == resource.LogicalId) is { } decisions)
            {
                // A role's denies are its own state; a function's (its invocations, by its resource policy) stand beside what it does.
                resourceView = DescribeDecisions(resourceView, decisions, stateOnDeny: resource is not LambdaFunctionResource);
            }

            yield return (resource, resourceView);
        }
    }

    private static ResourceView DescribeStack(LocalCloudStackResource stack, EmulatedStack? view, bool answeredOnce)
    {
        ImmutableArray<(string, string)> none = [];
        if (view is null)
        {
            return answeredOnce
                ? new(LocalCloudUnreachable, KnownResourceStateStyles.Warn, none, [])
                : new(WaitingForLocalCloud, KnownResourceStateStyles.Info, none, []);
        }

        return view.StackStatus switch
        {
            EmulatedStack.Complete => new(
                Provisioned,
                KnownResourceStateStyles.Success,
                [.. view.Outputs.Where(output => !IsWebAddress(output.Value)).Select(output => (OutputPropertyPrefix + output.Key, output.Value))],
                [.. view.Outputs.Where(output => IsWebAddress(output.Value)).Select(output => (output.Key, output.Value))]),
            EmulatedStack.Failed => new(Failed, KnownResourceStateStyles.Error, [(ReasonProperty, view.StackStatusReason ?? "unknown")], []),
            _ => new(Provisioning, KnownResourceStateStyles.Info, none, []),
        };
    }

    private static ResourceView DescribeResource(StackTemplateResource resource, EmulatedStack? view, Dictionary<string, StackResourceStatus>? listed, string localCloudUrl)
    {
        if (listed is null)
        {
            return view?.StackStatus switch
            {
                EmulatedStack.Failed => new(NotProvisioned, KnownResourceStateStyles.Warn, [(ReasonProperty, "The stack failed to provision; see the stack's reason.")], []),
                EmulatedStack.InProgress => new(Provisioning, KnownResourceStateStyles.Info, [], []),
                _ => new(Pending, KnownResourceStateStyles.Info, [], []),
            };
        }

        if (!listed.TryGetValue(resource.LogicalId, out var status))
        {
            // LocalCloud leaves out exactly what CloudFormation would not create: a resource whose condition is false.
            var why = resource.Definition.Condition is { } condition ? $"Its condition {condition} is false." : "LocalCloud did not provision it.";
            return new(NotCreated, KnownResourceStateStyles.Info, [(ReasonProperty, why)], []);
        }

        var (state, style) = status.Emulation switch
        {
            nameof(ResourceKind.ProvisionedInEngine) => (Provisioned, KnownResourceStateStyles.Success),
            nameof(ResourceKind.SynthesizedByLocalCloud) => (Emulated, KnownResourceStateStyles.Success),
            _ => (Skipped, KnownResourceStateStyles.Info),
        };
        var emulation = status.Emulation switch
        {
            nameof(ResourceKind.ProvisionedInEngine) => "Provisioned in the engine",
            nameof(ResourceKind.SynthesizedByLocalCloud) => "Emulated by LocalCloud",
            _ => "Skipped locally",
        };
        // A dev API key's value is LocalCloud's own, known value (in AWS, get-api-key --include-value reveals the real one).
        var devKey = view!.DevApiKeys.FirstOrDefault(key => key.LogicalResourceId == resource.LogicalId);
        ImmutableArray<(string, string)> properties =
        [
            (PhysicalIdProperty, status.PhysicalResourceId),
            .. status.Arn is null ? [] : new[] { (ArnProperty, status.Arn) },
            (EmulationProperty, emulation),
            (ReasonProperty, status.EmulationReason),
            .. devKey is null ? [] : new[] { (DevApiKeyProperty, devKey.Value) },
        ];
        ImmutableArray<(string, string)> urls = resource.Type switch
        {
            ApiRoutes.StageType => [(InvokeUrlName, InvokeUrl(localCloudUrl, status.PhysicalResourceId))],
            ApiRoutes.RestApiType => [(ApiDocsUrlName, $"{localCloudUrl.TrimEnd('/')}{LocalCloudClient.ApiDocsPath}")],
            _ => [],
        };
        return new(state, style, properties, urls);
    }

    private static ResourceView DescribeFunction(LambdaFunctionResource function, ResourceView provisioned, EmulatedStack? view, Func<IResource, CustomResourceSnapshot?> processOf)
    {
        var crashed = function.Environments
            .Select(environment => processOf(environment))
            .FirstOrDefault(snapshot => snapshot?.State?.Text is { } text && KnownResourceStates.TerminalStates.Contains(text));
        var status = view?.Functions.FirstOrDefault(candidate => candidate.LogicalResourceId == function.LogicalId);
        if (status is null && crashed is null)
        {
            return provisioned;
        }

        var (state, style) = (crashed, status) switch
        {
            ({ }, _) => (Crashed, KnownResourceStateStyles.Error),
            (_, { LastInitError: not null }) => (Crashed, KnownResourceStateStyles.Error),
            (_, { RunningInvocations: > 0 }) => (Invoking, KnownResourceStateStyles.Success),
            (_, { IdleEnvironments: > 0 }) => (WaitingForInvocation, KnownResourceStateStyles.Success),
            (_, { HasPolled: false }) => (Starting, KnownResourceStateStyles.Info),
            _ => (WaitingForInvocation, KnownResourceStateStyles.Success),
        };
        var properties = provisioned.Properties.ToBuilder();
        if (status is not null)
        {
            properties.Add((InvocationsProperty, status.Invocations.ToString(CultureInfo.InvariantCulture)));
            properties.Add((IdleEnvironmentsProperty, status.IdleEnvironments.ToString(CultureInfo.InvariantCulture)));
            properties.Add((RunningInvocationsProperty, status.RunningInvocations.ToString(CultureInfo.InvariantCulture)));
            properties.Add((QueuedInvocationsProperty, status.QueuedInvocations.ToString(CultureInfo.InvariantCulture)));
            properties.Add((InitErrorsProperty, status.InitErrors.ToString(CultureInfo.InvariantCulture)));
            if (status.LastInitError is { } initError)
            {
                properties.Add((LastInitErrorProperty, initError));
            }
        }

        if (crashed is not null)
        {
            properties.Add((ExitCodeProperty, crashed.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"));
        }

        return provisioned with { State = state, Style = style, Properties = properties.ToImmutable() };
    }

    /// <summary>
    /// IAM's decisions on a role's calls, or on a function's invocations: how many were allowed and denied, and the last
    /// deny in AWS's words. A role with denies turns <see cref="DeniedCalls"/>, so a missing permission shows in the tree
    /// before it fails a deploy.
    /// </summary>
    private static ResourceView DescribeDecisions(ResourceView provisioned, IamDecisionCounts decisions, bool stateOnDeny)
    {
        var properties = provisioned.Properties.ToBuilder();
        properties.Add((IamAllowedProperty, decisions.Allowed.ToString(CultureInfo.InvariantCulture)));
        properties.Add((IamDeniedProperty, decisions.Denied.ToString(CultureInfo.InvariantCulture)));
        if (decisions.LastDenied is { } lastDenied)
        {
            properties.Add((LastIamDenyProperty, lastDenied));
        }

        return decisions.Denied > 0 && stateOnDeny
            ? provisioned with { State = DeniedCalls, Style = KnownResourceStateStyles.Warn, Properties = properties.ToImmutable() }
            : provisioned with { Properties = properties.ToImmutable() };
    }

    /// <summary>A stage's invoke URL locally: LocalCloud serves each stage under its name, as execute-api does.</summary>
    public static string InvokeUrl(string localCloudUrl, string stageName) =>
        $"{localCloudUrl.TrimEnd('/')}/{Uri.EscapeDataString(stageName)}";

    private static bool IsWebAddress(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
