using SecureLambda.CloudFormation;

namespace SecureLambda.AppHost.Hosting;

/// <summary>
/// A CloudFormation stack that LocalCloud emulates from its template: the parent, in the dashboard, of a
/// <see cref="StackTemplateResource"/> per template resource. Its state follows LocalCloud's provisioning.
/// </summary>
public sealed class LocalCloudStackResource(string name, string templatePath, CloudFormationTemplate template, ProjectResource localCloud) : Resource(name)
{
    /// <summary>The template's full path.</summary>
    public string TemplatePath { get; } = templatePath;

    public CloudFormationTemplate Template { get; } = template;

    /// <summary>The LocalCloud process that provisions and serves the stack.</summary>
    public ProjectResource LocalCloud { get; } = localCloud;

    /// <summary>LocalCloud's API host: the stage's invoke URL, and LocalCloud's own <c>/_localcloud/*</c> views.</summary>
    public EndpointReference LocalCloudEndpoint => new(LocalCloud, "http");

    /// <summary>
    /// The stack's AWS endpoint (<c>http://localhost:4566</c>), served by LocalCloud in front of the engine: where the
    /// functions, the dashboard's commands and every AWS tool send their AWS calls.
    /// </summary>
    public EndpointReference AwsEndpoint => new(LocalCloud, LocalCloudStackExtensions.AwsEndpointName);

    /// <summary>The engine LocalCloud provisions into and the functions call; set by <c>WithReference</c>.</summary>
    public IAwsEngineResource? Engine { get; internal set; }

    /// <summary>The template's resources, in template order.</summary>
    public List<StackTemplateResource> TemplateResources { get; } = [];

    /// <summary>The dev users <c>WithDevUsers</c> made, one per user pool.</summary>
    public List<StackDevUserResource> DevUsers { get; } = [];

    public IEnumerable<LambdaFunctionResource> Functions => TemplateResources.OfType<LambdaFunctionResource>();
}

/// <summary>
/// One resource of a stack's template, named by its logical id: its type, its physical id and ARN once provisioned,
/// and how LocalCloud stands in for it (provisioned in the engine, emulated, or skipped and why).
/// </summary>
public class StackTemplateResource(TemplateResource definition, LocalCloudStackResource stack) : Resource(definition.LogicalId)
{
    public TemplateResource Definition { get; } = definition;

    public LocalCloudStackResource Stack { get; } = stack;

    public string LogicalId => Definition.LogicalId;

    public string Type => Definition.Type;
}

/// <summary>An <c>AWS::Lambda::Function</c>: the parent of its execution environments, each a process of the deployed binary.</summary>
public sealed class LambdaFunctionResource(TemplateResource definition, LocalCloudStackResource stack) : StackTemplateResource(definition, stack)
{
    /// <summary>Its execution environments: the function processes that poll its Runtime API.</summary>
    public List<ProjectResource> Environments { get; } = [];
}

/// <summary>A developer account in one of the stack's user pools, with its password parameter.</summary>
/// <param name="Name">The short name the parameter and the commands use (<c>user1</c>).</param>
/// <param name="UserPool">The logical id of its <c>AWS::Cognito::UserPool</c>.</param>
public sealed record StackDevUserResource(string Name, string Email, string UserPool, ParameterResource Password);
