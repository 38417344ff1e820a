using System.Globalization;

namespace SecureLambda.LocalCloud.Iam;

/// <summary>
/// One authorization question: may <see cref="Principal"/> perform <see cref="Action"/> (such as <c>sns:Publish</c>) on
/// <see cref="Resource"/> (an ARN)? <see cref="Context"/> is the request context: condition keys, whose names are
/// case-insensitive, each with one or more values.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-reqcontext
/// </summary>
public sealed record IamRequest(IamPrincipal Principal, string Action, string Resource, IReadOnlyDictionary<string, IReadOnlyList<string>> Context)
{
    /// <summary>The context keyed case-insensitively: condition key names are not case-sensitive.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Context { get; } = IamRequestContext.CaseInsensitive(Context);
}

/// <summary>
/// Builds the global condition keys AWS puts in every request context of a signed request, from the principal and the
/// transport. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
/// </summary>
public static class IamRequestContext
{
    public const string PrincipalArn = "aws:PrincipalArn";
    public const string PrincipalAccount = "aws:PrincipalAccount";
    public const string PrincipalType = "aws:PrincipalType";
    public const string PrincipalIsAwsService = "aws:PrincipalIsAWSService";
    public const string PrincipalServiceName = "aws:PrincipalServiceName";
    public const string CurrentTime = "aws:CurrentTime";
    public const string EpochTime = "aws:EpochTime";
    public const string SecureTransport = "aws:SecureTransport";
    public const string RequestedRegion = "aws:RequestedRegion";
    public const string SourceArn = "aws:SourceArn";
    public const string SourceAccount = "aws:SourceAccount";

    /// <summary>
    /// The request context of one call. For an assumed-role session <c>aws:PrincipalArn</c> is the role's ARN, not the
    /// session's, and <c>aws:PrincipalType</c> is <c>AssumedRole</c>. A service principal's request carries
    /// <c>aws:PrincipalServiceName</c> and <c>aws:PrincipalIsAWSService=true</c> instead of the principal ARN keys.
    /// <c>aws:userid</c> is not set: for a role it is the role's unique id, which LocalCloud does not have.
    /// <paramref name="extraKeys"/> adds keys the caller knows (such as <c>aws:SourceArn</c> and
    /// <c>aws:SourceAccount</c> when a service acts for a resource); it may not replace a key set here.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> For(
        IamPrincipal principal,
        DateTimeOffset now,
        bool secureTransport,
        string region,
        IEnumerable<KeyValuePair<string, string>>? extraKeys = null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentException.ThrowIfNullOrEmpty(region);

        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (principal.Type == IamPrincipalType.AssumedRole)
        {
            context[PrincipalArn] = [principal.RoleArn ?? principal.Arn];
            context[PrincipalAccount] = [principal.Account];
            context[PrincipalType] = ["AssumedRole"];
            context[PrincipalIsAwsService] = ["false"];
        }
        else
        {
            context[PrincipalServiceName] = [principal.ServiceName ?? principal.Arn];
            context[PrincipalIsAwsService] = ["true"];
        }

        context[CurrentTime] = [now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)];
        context[EpochTime] = [now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)];
        context[SecureTransport] = [secureTransport ? "true" : "false"];
        context[RequestedRegion] = [region];

        foreach (var (key, value) in extraKeys ?? [])
        {
            if (!context.TryAdd(key, [value]))
            {
                // A caller-supplied key never overrides what the principal and transport say (no spoofed aws:PrincipalArn).
                throw new ArgumentException($"The request context already holds {key}; extra keys may not replace it.", nameof(extraKeys));
            }
        }

        return context;
    }

    internal static IReadOnlyDictionary<string, IReadOnlyList<string>> CaseInsensitive(IReadOnlyDictionary<string, IReadOnlyList<string>> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context is Dictionary<string, IReadOnlyList<string>> dictionary && ReferenceEquals(dictionary.Comparer, StringComparer.OrdinalIgnoreCase))
        {
            return context;
        }

        var copy = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in context)
        {
            copy[key] = copy.TryGetValue(key, out var existing) ? [.. existing, .. values] : values;
        }

        return copy;
    }
}
