using Microsoft.Extensions.Logging;

namespace SecureLambda.LocalCloud.Provisioning;

internal static partial class ProvisioningLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioning stack {StackName} from {TemplatePath}")]
    public static partial void ProvisioningStack(ILogger logger, string stackName, string templatePath);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Provisioned {LogicalId} ({ResourceType}) as {PhysicalId}")]
    public static partial void ResourceProvisioned(ILogger logger, string logicalId, string resourceType, string physicalId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stack {StackName} provisioned: {ResourceCount} resources, {DevUserCount} dev users")]
    public static partial void StackProvisioned(ILogger logger, string stackName, int resourceCount, int devUserCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Provisioning stack {StackName} failed")]
    public static partial void ProvisioningFailed(ILogger logger, string stackName, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dev user {Email} is ready in {UserPool} ({UserPoolId})")]
    public static partial void DevUserReady(ILogger logger, string email, string userPool, string userPoolId);

    // The one place a password is logged: a generated one, for a local dev stack, so the developer can sign in.
    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Dev user {Email} in {UserPool} has no configured password, so it got the generated password {GeneratedPassword}. "
            + "Set {PasswordVariable} to choose one.")]
    public static partial void GeneratedDevUserPassword(
        ILogger logger, string email, string userPool, string generatedPassword, string passwordVariable);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote stack outputs to {OutputsFile}")]
    public static partial void OutputsWritten(ILogger logger, string outputsFile);

    /// <summary>The start-up's steps, once the stack is served: what the first authorized request waited for.</summary>
    [LoggerMessage(Level = LogLevel.Information,
        Message = "Stack {StackName} is served {SinceProcessStart:0.00} s after LocalCloud's process started: provisioning began at {ProvisioningBegan:0.00} s, waited {EngineWait:0.00} s for the engine, provisioned in {Provisioning:0.00} s and wrote the outputs in {Outputs:0.00} s")]
    public static partial void StartupSteps(ILogger logger, string stackName, double sinceProcessStart, double provisioningBegan, double engineWait, double provisioning, double outputs);
}
