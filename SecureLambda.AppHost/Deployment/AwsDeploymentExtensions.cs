#pragma warning disable ASPIREPIPELINES001

using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using SecureLambda.AppHost.Deployment;

// The namespace of the AppHost's other builder extensions (Hosting/), so Program.cs needs no using of its own.
namespace SecureLambda.AppHost.Hosting;

/// <summary>
/// <c>aspire deploy</c> and <c>aspire destroy</c> for the stack: pipeline steps that run SecureLambda.Deploy's own
/// command line in this process, so the AppHost stays the one entry point (<c>aspire run</c> locally, <c>aspire deploy</c>
/// for AWS) while the deploy tool stays for CI without Aspire. Nothing is added in run mode: the dashboard shows no
/// deploy parameters, and <c>aspire run</c> asks for none.
/// </summary>
/// <remarks>
/// Pipeline steps are Aspire 13's deployment model (https://aspire.dev/deployment/pipelines/): <c>aspire deploy</c>
/// starts the AppHost in publish mode with <c>--step deploy</c>, and the steps that <see cref="WellKnownPipelineSteps.Deploy"/>
/// requires run after the parameters are resolved.
/// </remarks>
public static class AwsDeploymentExtensions
{
    /// <summary>The Aspire parameter that names the CloudFormation stack (<c>Parameters:stack-name</c>).</summary>
    public const string StackNameParameter = "stack-name";

    /// <summary>The Aspire parameter that names the AWS region (<c>Parameters:aws-region</c>).</summary>
    public const string RegionParameter = "aws-region";

    /// <summary>The section of Aspire's deployment state the steps record the stack in.</summary>
    public const string StateSection = StackDeployment.StateSection;

    public const string DeployStep = "deploy-secure-lambda-stack";
    public const string DestroyStep = "destroy-secure-lambda-stack";

    /// <summary>
    /// Adds the deploy and destroy steps for the stack's own template (publish mode only). The stack name (the local
    /// stack's name by default) and region are Aspire parameters, so <c>aspire deploy</c> asks for a missing one and
    /// keeps the answers in its deployment state; everything else is configuration under <c>Deploy:</c> (the deploy
    /// tool's options; the README lists them).
    /// </summary>
    public static IResourceBuilder<LocalCloudStackResource> WithAwsDeployment(this IResourceBuilder<LocalCloudStackResource> stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var builder = stack.ApplicationBuilder;
        if (builder.ExecutionContext.IsRunMode)
        {
            return stack;
        }

        // Configuration first (Parameters:stack-name), then the default. AddParameter(name, value) would ignore
        // configuration, so the defaults are ParameterDefaults.
        var stackName = builder.AddParameter(StackNameParameter, new FixedParameterDefault(stack.Resource.Name));
        // The region the AWS CLI and SDKs would use is the default; without one, aspire deploy asks.
        var region = (builder.Configuration["AWS_REGION"] ?? builder.Configuration["AWS_DEFAULT_REGION"]) is { Length: > 0 } fromEnvironment
            ? builder.AddParameter(RegionParameter, new FixedParameterDefault(fromEnvironment))
            : builder.AddParameter(RegionParameter);

        var deployment = new StackDeployment(builder.Configuration, builder.AppHostDirectory, stack.Resource.TemplatePath, stackName.Resource, region.Resource);
        string[] after = [WellKnownPipelineSteps.ProcessParameters, WellKnownPipelineSteps.DeployPrereq];
        builder.Pipeline.AddStep(DeployStep, deployment.DeployAsync, dependsOn: after, requiredBy: WellKnownPipelineSteps.Deploy);
        builder.Pipeline.AddStep(
            DestroyStep, deployment.DestroyAsync,
            dependsOn: new[] { WellKnownPipelineSteps.ProcessParameters, WellKnownPipelineSteps.DestroyPrereq },
            requiredBy: WellKnownPipelineSteps.Destroy);
        return stack;
    }
}

/// <summary>A plain default value for a parameter that configuration may still set.</summary>
internal sealed class FixedParameterDefault(string value) : ParameterDefault
{
    public override string GetDefaultValue() => value;

    public override void WriteToManifest(Aspire.Hosting.Publishing.ManifestPublishingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Writer.WriteStartObject("default");
        context.Writer.WriteString("value", value);
        context.Writer.WriteEndObject();
    }
}
