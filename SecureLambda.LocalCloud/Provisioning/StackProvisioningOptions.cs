using System.ComponentModel.DataAnnotations;
using SecureLambda.CloudFormation;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>Configuration section <c>LocalCloud</c>: which template, which stack, and the local extras.</summary>
public sealed class StackProvisioningOptions
{
    public const string SectionName = "LocalCloud";

    /// <summary>Template path; a relative path is looked up in the content root and then in each of its parents.</summary>
    [Required]
    public string TemplatePath { get; set; } = "cloudformation/secure-lambda.yaml";

    /// <summary>The stack name (<c>AWS::StackName</c>), which prefixes the template's resource names.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9-]{0,127}$")]
    public string StackName { get; set; } = StackSettings.DefaultStackName;

    /// <summary><c>AWS::AccountId</c>; the account moto and LocalStack report.</summary>
    [Required]
    [RegularExpression("^[0-9]{12}$")]
    public string AccountId { get; set; } = StackSettings.DefaultAccountId;

    /// <summary><c>AWS::Region</c>; defaults to the engine clients' region (<c>AWS_REGION</c>).</summary>
    public string? Region { get; set; }

    /// <summary>Template parameter overrides (<c>LocalCloud:Parameters:StageName</c>), as <c>--parameter-overrides</c>.</summary>
    public IDictionary<string, string> Parameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Users to create in the pools, over <see cref="DefaultDevUsers"/>; see <see cref="EffectiveDevUsers"/>.
    /// </summary>
    public IList<DevUserOptions> DevUsers { get; } = [];

    /// <summary>The dev value of an API key by its logical id (<c>LocalCloud:ApiKeyValues:ClientApp1ApiKey</c>); see <see cref="DevApiKey"/>.</summary>
    public IDictionary<string, string> ApiKeyValues { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Where the outputs JSON is written, relative to the content root (as <c>cdk deploy --outputs-file</c>).</summary>
    public string OutputsFile { get; set; } = "localcloud-outputs.json";

    /// <summary>
    /// Where LocalCloud serves the API Gateway stages, for example <c>http://localhost:5080</c>. When set, every output
    /// that holds an execute-api URL of the stack's REST API (<c>https://{id}.execute-api.{region}.amazonaws.com/{stage}</c>)
    /// shows <c>{ApiBaseUrl}/{stage}</c> instead. Unset keeps the AWS form.
    /// </summary>
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>Base of relative paths; the host's content root unless set.</summary>
    public string? ContentRoot { get; set; }

    public static IReadOnlyList<DevUserOptions> DefaultDevUsers { get; } =
    [
        new() { Email = "user1@example.com", UserPool = "MyUserPool1" },
        new() { Email = "user2@example.com", UserPool = "MyUserPool2" },
    ];

    /// <summary>
    /// The dev users after defaults are applied: entry N of the configuration overrides the fields it sets of default N,
    /// so <c>LocalCloud__DevUsers__0__Password</c> alone sets user1's password and keeps user2. Entries past the
    /// defaults add users.
    /// </summary>
    public IReadOnlyList<DevUserOptions> EffectiveDevUsers() =>
    [
        .. Enumerable.Range(0, Math.Max(DevUsers.Count, DefaultDevUsers.Count)).Select(index =>
        {
            var configured = index < DevUsers.Count ? DevUsers[index] : null;
            var fallback = index < DefaultDevUsers.Count ? DefaultDevUsers[index] : null;
            return new DevUserOptions
            {
                Email = configured?.Email ?? fallback?.Email,
                UserPool = configured?.UserPool ?? fallback?.UserPool,
                Password = configured?.Password,
            };
        }),
    ];
}

/// <summary>One entry of <c>LocalCloud:DevUsers</c>.</summary>
public sealed class DevUserOptions
{
    public string? Email { get; set; }

    /// <summary>Logical id of the <c>AWS::Cognito::UserPool</c>.</summary>
    public string? UserPool { get; set; }

    /// <summary>Unset: a strong password is generated and logged once at Warning.</summary>
    public string? Password { get; set; }
}
