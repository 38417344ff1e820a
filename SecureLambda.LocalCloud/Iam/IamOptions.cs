using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SecureLambda.LocalCloud.Iam;

/// <summary>How LocalCloud applies the stack's IAM policies to the functions' calls.</summary>
public enum IamMode
{
    /// <summary>Deny what AWS would deny, with AWS's error: the default, so that a missing permission fails locally first.</summary>
    Enforce,

    /// <summary>Log and count what would be denied, then allow it: for finding what a template lacks without stopping.</summary>
    Audit,

    /// <summary>Evaluate nothing: every verified call is allowed, as by moto alone.</summary>
    Off,
}

/// <summary>Options of the IAM evaluation (section <c>LocalCloud:Iam</c>).</summary>
public sealed class IamOptions
{
    public const string Section = "LocalCloud:Iam";

    public IamMode Mode { get; set; } = IamMode.Enforce;
}

public static class IamServiceCollectionExtensions
{
    /// <summary>The IAM mode (<c>LocalCloud:Iam:Mode</c>, checked at start) and the <see cref="IamAuthorizer"/>, registered once.</summary>
    public static IServiceCollection AddIam(this IServiceCollection services)
    {
        if (services.Any(descriptor => descriptor.ServiceType == typeof(IamAuthorizer)))
        {
            return services;
        }

        services.AddOptions<IamOptions>().BindConfiguration(IamOptions.Section).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IamDecisionLog>();
        services.AddSingleton<IamAuthorizer>();
        return services;
    }
}
