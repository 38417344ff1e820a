using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Iam;

/// <summary>An <c>AWS::IAM::Role</c> of the stack with every identity-based policy attached to it.</summary>
/// <param name="ExternalPolicies">
/// Attached policies that are not the stack's (AWS managed ones, say), whose statements LocalCloud cannot see. A role
/// with any cannot be evaluated: a local caller that assumes it stops LocalCloud at start, with the reason.
/// </param>
public sealed record StackRole(string LogicalId, string Arn, IReadOnlyList<PolicyDocument> Policies, IReadOnlyList<string> ExternalPolicies);

/// <summary>
/// Every policy of the stack, parsed once when the stack is provisioned: each role's identity-based policies (inline,
/// <c>AWS::IAM::Policy</c> and <c>AWS::IAM::ManagedPolicy</c> resources of the template) and each resource's
/// resource-based policy (topic, queue and secret policies, and <c>AWS::Lambda::Permission</c> as the statement Lambda
/// adds for it). What LocalCloud cannot evaluate exactly stops the stack at start with the reason, since a guess could
/// allow what AWS denies: a policy element it does not know, a permissions boundary, and an AWS managed policy on a role
/// a local caller assumes (<see cref="StackRole.ExternalPolicies"/>; a role only AWS services assume, such as API
/// Gateway's logging role, is never evaluated locally).
/// </summary>
public sealed class StackPolicies
{
    private readonly Dictionary<string, StackRole> _roles;
    private readonly Dictionary<string, List<PolicyDocument>> _resourcePolicies;
    private readonly Dictionary<string, string> _secretArns;

    private StackPolicies(string region, string account, Dictionary<string, StackRole> roles, Dictionary<string, List<PolicyDocument>> resourcePolicies, Dictionary<string, string> secretArns)
    {
        Region = region;
        Account = account;
        _roles = roles;
        _resourcePolicies = resourcePolicies;
        _secretArns = secretArns;
    }

    /// <summary>No policies: what a model gets that was built with IAM off, whose calls are not evaluated.</summary>
    public static StackPolicies None { get; } = new(StackSettings.DefaultRegion, StackSettings.DefaultAccountId, new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));

    /// <summary>Whether these are a stack's policies, to evaluate calls by; <see cref="None"/> is not.</summary>
    public bool IsEvaluated => !ReferenceEquals(this, None);

    /// <summary>The stack's region and account, which the ARNs of its resources name.</summary>
    public string Region { get; }

    public string Account { get; }

    /// <summary>
    /// The ARN a <c>SecretId</c> stands for: a secret of the stack by name or ARN, else the ARN itself, else the ARN a
    /// secret of that name would have without its random suffix (the engine knows no other).
    /// https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html
    /// </summary>
    public string SecretArn(string secretId) =>
        _secretArns.GetValueOrDefault(secretId)
        ?? (secretId.StartsWith("arn:", StringComparison.Ordinal) ? secretId : $"arn:aws:secretsmanager:{Region}:{Account}:secret:{secretId}");

    public IReadOnlyCollection<StackRole> Roles => _roles.Values;

    /// <summary>The role with this ARN, or null when the stack has none.</summary>
    public StackRole? FindRole(string? arn) => arn is null ? null : _roles.GetValueOrDefault(arn);

    /// <summary>The resource-based policies of the resource with this ARN (none for most).</summary>
    public IReadOnlyList<PolicyDocument> ResourcePoliciesOf(string resourceArn) =>
        _resourcePolicies.TryGetValue(resourceArn, out var policies) ? policies : [];

    public static StackPolicies Build(ProvisionedStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var attached = new Dictionary<string, List<PolicyDocument>>(StringComparer.Ordinal);
        void Attach(string roleName, PolicyDocument policy)
        {
            if (!attached.TryGetValue(roleName, out var list))
            {
                attached[roleName] = list = [];
            }

            list.Add(policy);
        }

        // AWS::IAM::Policy and AWS::IAM::ManagedPolicy name the roles they attach to by role name (a role's Ref).
        var managed = new Dictionary<string, PolicyDocument>(StringComparer.Ordinal);
        foreach (var policy in stack.OfType("AWS::IAM::Policy").Concat(stack.OfType("AWS::IAM::ManagedPolicy")))
        {
            var properties = policy.TypedProperties;
            var name = properties.OptionalString(policy.Type == "AWS::IAM::Policy" ? "PolicyName" : "ManagedPolicyName") ?? policy.LogicalId;
            var document = PolicyDocument.Parse($"{policy.LogicalId} ({name})", Required(policy, "PolicyDocument"));
            managed[policy.PhysicalId] = document;
            foreach (var role in properties.StringList("Roles"))
            {
                Attach(role, document);
            }

            if (properties.Has("Users") || properties.Has("Groups"))
            {
                throw new UnsupportedTemplateException(policy.LogicalId, policy.Type, "IAM users and groups have no local callers; LocalCloud attaches policies to roles only.");
            }
        }

        var roles = new Dictionary<string, StackRole>(StringComparer.Ordinal);
        foreach (var role in stack.OfType("AWS::IAM::Role"))
        {
            var properties = role.TypedProperties;
            if (properties.Has("PermissionsBoundary"))
            {
                throw new UnsupportedTemplateException(role.LogicalId, role.Type, "LocalCloud does not evaluate permissions boundaries; remove PermissionsBoundary, or run with LocalCloud:Iam:Mode=Off.");
            }

            var policies = new List<PolicyDocument>();
            var external = new List<string>();
            foreach (var (inline, index) in properties.ObjectList("Policies").Select((inline, index) => (inline, index)))
            {
                var name = inline.OptionalString("PolicyName") ?? $"Policies[{index}]";
                policies.Add(PolicyDocument.Parse($"{role.LogicalId}/{name}", inline.Json["PolicyDocument"] ?? throw Missing(role, $"Policies[{index}].PolicyDocument")));
            }

            foreach (var arn in properties.StringList("ManagedPolicyArns"))
            {
                if (managed.TryGetValue(arn, out var policy))
                {
                    policies.Add(policy);
                }
                else
                {
                    external.Add(arn);
                }
            }

            policies.AddRange(attached.GetValueOrDefault(role.PhysicalId) ?? []);
            var roleArn = role.Attributes["Arn"].GetValue<string>();
            roles[roleArn] = new StackRole(role.LogicalId, roleArn, policies, external);
        }

        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var secret in stack.OfType("AWS::SecretsManager::Secret"))
        {
            secrets[secret.PhysicalId] = secret.PhysicalId;
            if (secret.GetString("Name") is { } name)
            {
                secrets[name] = secret.PhysicalId;
            }
        }

        return new StackPolicies(stack.State.Settings.Region, stack.State.Settings.AccountId, roles, ResourcePolicies(stack), secrets);
    }

    private static Dictionary<string, List<PolicyDocument>> ResourcePolicies(ProvisionedStack stack)
    {
        var byArn = new Dictionary<string, List<PolicyDocument>>(StringComparer.Ordinal);
        void Add(string arn, PolicyDocument policy)
        {
            if (!byArn.TryGetValue(arn, out var list))
            {
                byArn[arn] = list = [];
            }

            list.Add(policy);
        }

        foreach (var topicPolicy in stack.OfType("AWS::SNS::TopicPolicy"))
        {
            var document = PolicyDocument.Parse(topicPolicy.LogicalId, Required(topicPolicy, "PolicyDocument"), PolicyType.ResourceBased);
            foreach (var topic in topicPolicy.TypedProperties.StringList("Topics"))
            {
                Add(topic, document);
            }
        }

        // A queue's Ref is its URL; policies are evaluated against its ARN.
        var queueArns = stack.OfType("AWS::SQS::Queue").ToDictionary(queue => queue.PhysicalId, queue => queue.Attributes["Arn"].GetValue<string>(), StringComparer.Ordinal);
        foreach (var queuePolicy in stack.OfType("AWS::SQS::QueuePolicy"))
        {
            var document = PolicyDocument.Parse(queuePolicy.LogicalId, Required(queuePolicy, "PolicyDocument"), PolicyType.ResourceBased);
            foreach (var url in queuePolicy.TypedProperties.StringList("Queues"))
            {
                Add(queueArns.GetValueOrDefault(url) ?? throw new UnsupportedTemplateException(queuePolicy.LogicalId, queuePolicy.Type, $"Queues names {url}, which is not a queue of the stack."), document);
            }
        }

        foreach (var secretPolicy in stack.OfType("AWS::SecretsManager::ResourcePolicy"))
        {
            var properties = secretPolicy.TypedProperties;
            Add(properties.RequiredString("SecretId"), PolicyDocument.Parse(secretPolicy.LogicalId, Required(secretPolicy, "ResourcePolicy"), PolicyType.ResourceBased));
        }

        var functionArns = stack.OfType("AWS::Lambda::Function").ToDictionary(function => function.PhysicalId, function => function.Attributes["Arn"].GetValue<string>(), StringComparer.Ordinal);
        foreach (var permission in stack.OfType("AWS::Lambda::Permission"))
        {
            var functionArn = FunctionArn(permission, functionArns);
            Add(functionArn, PolicyDocument.Parse(permission.LogicalId, LambdaPermissionStatement(permission, functionArn), PolicyType.ResourceBased));
        }

        return byArn;
    }

    /// <summary>
    /// The statement Lambda's <c>AddPermission</c> writes into the function's resource-based policy: the principal (a
    /// service, an account or an ARN), the action on the function, and <c>SourceArn</c> / <c>SourceAccount</c> as
    /// <c>ArnLike aws:SourceArn</c> / <c>StringEquals aws:SourceAccount</c> conditions.
    /// https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
    /// </summary>
    public static JsonNode LambdaPermissionStatement(ProvisionedResource permission, string functionArn)
    {
        ArgumentNullException.ThrowIfNull(permission);
        var properties = permission.TypedProperties;
        foreach (var unsupported in (string[])["EventSourceToken", "PrincipalOrgID", "FunctionUrlAuthType"])
        {
            if (properties.Has(unsupported))
            {
                throw new UnsupportedTemplateException(permission.LogicalId, permission.Type, $"LocalCloud does not evaluate {unsupported}.");
            }
        }

        var principal = properties.RequiredString("Principal");
        JsonNode principalNode = principal == "*" ? JsonValue.Create("*")
            : principal.EndsWith(".amazonaws.com", StringComparison.Ordinal) ? new JsonObject { ["Service"] = principal }
            : new JsonObject { ["AWS"] = principal };
        var condition = new JsonObject();
        if (properties.OptionalString("SourceArn") is { } sourceArn)
        {
            condition["ArnLike"] = new JsonObject { ["AWS:SourceArn"] = sourceArn };
        }

        if (properties.OptionalString("SourceAccount") is { } sourceAccount)
        {
            condition["StringEquals"] = new JsonObject { ["AWS:SourceAccount"] = sourceAccount };
        }

        var statement = new JsonObject
        {
            ["Sid"] = permission.LogicalId,
            ["Effect"] = "Allow",
            ["Principal"] = principalNode,
            ["Action"] = properties.RequiredString("Action"),
            ["Resource"] = functionArn,
        };
        if (condition.Count > 0)
        {
            statement["Condition"] = condition;
        }

        return new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray(statement) };
    }

    /// <summary>A permission's <c>FunctionName</c>: a name, an ARN (maybe with a qualifier) or a partial ARN.</summary>
    private static string FunctionArn(ProvisionedResource permission, Dictionary<string, string> functionArns)
    {
        var name = permission.TypedProperties.RequiredString("FunctionName");
        var arn = functionArns.Values.FirstOrDefault(candidate => name == candidate || name.StartsWith(candidate + ":", StringComparison.Ordinal))
            ?? functionArns.GetValueOrDefault(name);
        return arn ?? throw new UnsupportedTemplateException(permission.LogicalId, permission.Type, $"FunctionName {name} is not a function of the stack.");
    }

    private static JsonNode Required(ProvisionedResource resource, string property) =>
        resource.Properties[property] ?? throw Missing(resource, property);

    private static UnsupportedTemplateException Missing(ProvisionedResource resource, string property) =>
        new(resource.LogicalId, resource.Type, $"{property} is required.");
}
