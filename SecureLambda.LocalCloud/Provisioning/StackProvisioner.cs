using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Catalog;
using SecureLambda.CloudFormation.Intrinsics;
using SecureLambda.LocalCloud.Engine;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// Provisions the template in the engine: validates its resource types against the catalog, then in dependency order
/// resolves each resource's properties, hands it to the provisioner for its type (a skipped type gets its stand-in ids
/// from <see cref="LocalResourceProvisioner.StandIn"/>) and records the physical id and attributes, so
/// later intrinsics and the Outputs resolve as they would in AWS. Then it makes the dev users exist.
/// As CloudFormation does, it creates a resource as soon as every resource it depends on exists, so resources that do
/// not depend on one another are created at the same time (those made in the engine, up to
/// <see cref="MaxConcurrentEngineResources"/> at once); the first failure stops the ones not yet started.
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html
/// </summary>
public sealed class StackProvisioner(
    IOptions<StackProvisioningOptions> options,
    EngineClients engine,
    IEnumerable<IResourceProvisioner> provisioners,
    DevUserProvisioner devUsers,
    IEnumerable<IOutputRewriter> outputRewriters,
    ProvisioningProgress progress,
    ILogger<StackProvisioner> logger)
{
    /// <summary>
    /// Locally the functions run from the built executable, so the template's code location is never read; these fill
    /// the template's required code parameters unless they are overridden.
    /// </summary>
    public static IReadOnlyDictionary<string, string> LocalParameterDefaults { get; } = new Dictionary<string, string>
    {
        ["CodeS3Bucket"] = "localcloud-code",
        ["CodeS3Key"] = "bootstrap.zip",
    };

    /// <summary>
    /// How many resources are created in the engine at once. moto is one Python process, so more at once do not make
    /// it faster: two overlap its work with LocalCloud's own and were a little faster than one or four (docs/performance.md).
    /// </summary>
    public const int MaxConcurrentEngineResources = 2;

    private readonly ProvisionerRegistry _provisioners = new(provisioners);
    private readonly IOutputRewriter[] _outputRewriters = [.. outputRewriters];

    public async Task<ProvisionedStack> ProvisionAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var templatePath = ResolveTemplatePath(settings);
        ProvisioningLog.ProvisioningStack(logger, settings.StackName, templatePath);

        var template = CloudFormationTemplate.Load(templatePath);
        ResourceTypeCatalog.Validate(template, logger);
        var state = new StackState(template, new StackSettings(
            settings.StackName,
            settings.Region ?? engine.Context.Region,
            settings.AccountId,
            ParameterOverrides(template, settings)));

        var resources = await ProvisionResourcesAsync(state, cancellationToken);
        var outputs = ResolveOutputs(state, resources);
        var users = await devUsers.ProvisionAsync(settings.EffectiveDevUsers(), resources, cancellationToken);
        var subscriptions = resources.Select(resource => resource.LambdaSubscription).OfType<LambdaSubscription>().ToList();
        ProvisioningLog.StackProvisioned(logger, settings.StackName, resources.Count, users.Count);
        return new ProvisionedStack(state, resources, outputs, users, DevApiKey.For(resources, settings.ApiKeyValues.AsReadOnly()), subscriptions);
    }

    /// <summary>
    /// An absolute path as is; a relative one from the content root upward, so the app finds the repository's template
    /// from its project directory as well as from the repository root.
    /// </summary>
    public static string ResolveTemplatePath(StackProvisioningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Path.IsPathRooted(options.TemplatePath))
        {
            return options.TemplatePath;
        }

        var start = options.ContentRoot ?? Directory.GetCurrentDirectory();
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, options.TemplatePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"Template '{options.TemplatePath}' was found neither in {start} nor in any of its parents; set LocalCloud:TemplatePath.",
            options.TemplatePath);
    }

    /// <summary>Every resource, each once all it depends on is provisioned, in <see cref="ResourceGraph.Order(StackState)"/>.</summary>
    private async Task<List<ProvisionedResource>> ProvisionResourcesAsync(StackState state, CancellationToken cancellationToken)
    {
        var dependencies = ResourceGraph.DependenciesOf(state);
        var order = ResourceGraph.Order(state);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var engineSlots = new SemaphoreSlim(MaxConcurrentEngineResources);
        var provisioning = new Dictionary<string, Task<ProvisionedResource>>(StringComparer.Ordinal);
        foreach (var resource in order)
        {
            // In dependency order, so every resource's dependencies have their tasks already.
            var after = dependencies[resource.LogicalId].Select(logicalId => provisioning[logicalId]).ToArray();
            provisioning[resource.LogicalId] = ProvisionAfterAsync(resource, after);
        }

        try
        {
            await Task.WhenAll(provisioning.Values);
        }
        catch when (provisioning.Values.FirstOrDefault(task => task.IsFaulted) is { } failed)
        {
            // The first failure in dependency order: a resource that waited on it failed with the same exception,
            // and those stopped by it are cancelled.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.Exception!.InnerException!);
        }

        return [.. order.Select(resource => provisioning[resource.LogicalId].Result)];

        async Task<ProvisionedResource> ProvisionAfterAsync(TemplateResource resource, Task<ProvisionedResource>[] after)
        {
            await Task.WhenAll(after);
            var slots = ResourceTypeCatalog.Find(resource.Type)!.Kind == ResourceKind.ProvisionedInEngine ? engineSlots : null;
            if (slots is not null)
            {
                await slots.WaitAsync(stopping.Token);
            }

            try
            {
                var provisioned = await ProvisionResourceAsync(resource, state, stopping.Token);
                state.SetPhysicalId(resource.LogicalId, provisioned.PhysicalId);
                foreach (var (attribute, value) in provisioned.Attributes)
                {
                    state.SetAttribute(resource.LogicalId, attribute, value);
                }

                ProvisioningLog.ResourceProvisioned(logger, resource.LogicalId, resource.Type, provisioned.PhysicalId);
                progress.Provisioned(provisioned);
                return provisioned;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                await stopping.CancelAsync();
                throw;
            }
            finally
            {
                slots?.Release();
            }
        }
    }

    private async Task<ProvisionedResource> ProvisionResourceAsync(
        TemplateResource resource,
        StackState state,
        CancellationToken cancellationToken)
    {
        try
        {
            var resolved = IntrinsicResolver.Resolve(resource.Properties, state, resource.LogicalId) as JsonObject ?? [];
            return ResourceTypeCatalog.Find(resource.Type)!.Kind == ResourceKind.Skipped
                ? LocalResourceProvisioner.StandIn(resource, resolved, state)
                : await _provisioners.For(resource.Type).ProvisionAsync(resource, resolved, state, cancellationToken);
        }
        catch (Exception exception) when (exception is not UnsupportedTemplateException
            && (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            throw new ResourceProvisioningException(resource.LogicalId, resource.Type, exception);
        }
    }

    private Dictionary<string, string> ResolveOutputs(StackState state, IReadOnlyList<ProvisionedResource> resources)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var output in state.Template.Outputs.Values)
        {
            if (output.Condition is not null && !state.EvaluateCondition(output.Condition))
            {
                continue;
            }

            var value = IntrinsicResolver.Resolve(output.Value, state, output.Name) switch
            {
                JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String => scalar.GetValue<string>(),
                JsonArray list => string.Join(',', list.Select(item => item?.GetValue<string>())),
                { } other => other.ToJsonString(),
                null => throw new TemplateException($"Output {output.Name} resolves to no value."),
            };
            foreach (var rewriter in _outputRewriters)
            {
                value = rewriter.Rewrite(output.Name, value, state, resources);
            }

            outputs[output.Name] = value;
        }

        return outputs;
    }

    private static Dictionary<string, string> ParameterOverrides(CloudFormationTemplate template, StackProvisioningOptions options)
    {
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in LocalParameterDefaults)
        {
            if (template.Parameters.ContainsKey(name))
            {
                overrides[name] = value;
            }
        }

        foreach (var (name, value) in options.Parameters)
        {
            overrides[name] = value;
        }

        return overrides;
    }
}
