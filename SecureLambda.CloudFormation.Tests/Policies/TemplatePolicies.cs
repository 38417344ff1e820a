using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Intrinsics;

namespace SecureLambda.CloudFormation.Tests.Policies;

/// <summary>
/// The security invariants of the stack, each a function from a template to the list of its violations (empty when
/// the template complies), so the same check runs on the real template and on small templates that break it.
/// </summary>
public static class TemplatePolicies
{
    /// <summary>
    /// The only actions that may be granted on <c>Resource: "*"</c>: X-Ray's PutTraceSegments and PutTelemetryRecords
    /// support no resource-level permissions, so AWS accepts no other resource for them.
    /// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
    /// </summary>
    public static readonly IReadOnlySet<string> ActionsWithoutResourceLevelPermissions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "xray:PutTraceSegments", "xray:PutTelemetryRecords" };

    public static IReadOnlyList<string> WildcardIamGrants(CloudFormationTemplate template)
    {
        var violations = new List<string>();
        foreach (var statement in IamStatement.AllIn(template).Where(statement => statement.IsAllow))
        {
            if (statement.Body.ContainsKey("NotAction") || statement.Body.ContainsKey("NotResource"))
            {
                violations.Add($"{statement}: Allow with NotAction/NotResource grants everything not listed");
            }

            foreach (var action in statement.Actions)
            {
                if (action is not JsonValue literal)
                {
                    violations.Add($"{statement}: action {action?.ToJsonString()} is not a literal and cannot be checked");
                }
                else if (literal.GetValue<string>().Contains('*', StringComparison.Ordinal))
                {
                    violations.Add($"{statement}: wildcard action {literal.GetValue<string>()}");
                }
            }

            foreach (var resource in statement.Resources)
            {
                var text = resource is JsonValue literal ? literal.GetValue<string>() : IntrinsicReferences.SubTemplate(resource);
                if (text == "*")
                {
                    var unlisted = statement.LiteralActions
                        .Where(action => !ActionsWithoutResourceLevelPermissions.Contains(action))
                        .ToList();
                    if (unlisted.Count > 0 || statement.Actions.Count == 0)
                    {
                        violations.Add($"{statement}: Resource * for {string.Join(", ", unlisted)}");
                    }
                }
                else if (text is not null && text.Contains('*', StringComparison.Ordinal))
                {
                    violations.Add($"{statement}: wildcard resource {text}");
                }
            }
        }

        return violations;
    }

    public static IReadOnlyList<string> MethodsWithoutCognitoAuthorizer(CloudFormationTemplate template)
    {
        var violations = new List<string>();
        foreach (var method in template.OfType("AWS::ApiGateway::Method"))
        {
            if (method.Text("AuthorizationType") != "COGNITO_USER_POOLS")
            {
                violations.Add($"{method}: AuthorizationType is {method.Text("AuthorizationType") ?? "absent"}");
            }

            var authorizer = template.Target(method.Properties["AuthorizerId"]);
            if (authorizer is not { Type: "AWS::ApiGateway::Authorizer" } || authorizer.Text("Type") != "COGNITO_USER_POOLS")
            {
                violations.Add($"{method}: AuthorizerId does not reference a COGNITO_USER_POOLS authorizer");
            }
        }

        return violations;
    }

    /// <summary>
    /// Every method requires a client app's API key, read from the X-API-Key header (the API's key source), and every key
    /// is enabled, has no value written in the template (AWS generates it), and is in a usage plan that covers one of the
    /// API's stages with a throttle and a quota: a key in no plan is refused at every method, and a plan without limits
    /// would let one client starve the others.
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
    /// </summary>
    public static IReadOnlyList<string> ApiKeysWithoutUsagePlan(CloudFormationTemplate template)
    {
        var violations = new List<string>();
        foreach (var method in template.OfType("AWS::ApiGateway::Method"))
        {
            if (method.Text("ApiKeyRequired") != "true")
            {
                violations.Add($"{method}: ApiKeyRequired is {method.Text("ApiKeyRequired") ?? "absent"}");
            }
        }

        foreach (var api in template.OfType("AWS::ApiGateway::RestApi"))
        {
            if (api.Text("ApiKeySourceType") is not (null or "HEADER"))
            {
                violations.Add($"{api}: ApiKeySourceType is {api.Text("ApiKeySourceType")}, not HEADER");
            }
        }

        var plans = template.OfType("AWS::ApiGateway::UsagePlan").ToList();
        foreach (var plan in plans)
        {
            if (plan.Properties["Throttle"]?["RateLimit"] is null || plan.Properties["Throttle"]?["BurstLimit"] is null)
            {
                violations.Add($"{plan}: no Throttle RateLimit and BurstLimit");
            }

            if (plan.Properties["Quota"]?["Limit"] is null || plan.Properties["Quota"]?["Period"] is null)
            {
                violations.Add($"{plan}: no Quota Limit and Period");
            }

            if (plan.Properties["ApiStages"] is not JsonArray { Count: > 0 } stages
                || stages.Any(stage => template.Target(stage?["Stage"]) is not { Type: "AWS::ApiGateway::Stage" }))
            {
                violations.Add($"{plan}: its ApiStages do not all name a stage of the template");
            }
        }

        var planKeys = template.OfType("AWS::ApiGateway::UsagePlanKey").ToList();
        foreach (var key in template.OfType("AWS::ApiGateway::ApiKey"))
        {
            if (key.Properties.ContainsKey("Value"))
            {
                violations.Add($"{key}: its Value is written in the template");
            }

            if (key.Text("Enabled") != "true")
            {
                violations.Add($"{key}: Enabled is {key.Text("Enabled") ?? "absent"}");
            }

            var inPlan = planKeys.Any(planKey => template.Target(planKey.Properties["KeyId"]) == key
                && template.Target(planKey.Properties["UsagePlanId"]) is { } plan && plans.Contains(plan));
            if (!inPlan)
            {
                violations.Add($"{key}: in no usage plan (no AWS::ApiGateway::UsagePlanKey names it and a plan)");
            }
        }

        return violations;
    }

    public static IReadOnlyList<string> LogGroupsWithoutRetention(CloudFormationTemplate template) =>
        [.. template.OfType("AWS::Logs::LogGroup")
            .Where(group => group.Properties["RetentionInDays"] is null)
            .Select(group => $"{group}: no RetentionInDays, so logs are kept forever")];

    /// <summary>Every function logs to a log group of the template that no other function logs to.</summary>
    public static IReadOnlyList<string> FunctionsWithoutOwnLogGroup(CloudFormationTemplate template)
    {
        var violations = new List<string>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var function in template.OfType("AWS::Lambda::Function"))
        {
            var group = template.Target(function.Properties["LoggingConfig"]?["LogGroup"]);
            if (group is not { Type: "AWS::Logs::LogGroup" })
            {
                violations.Add($"{function}: LoggingConfig.LogGroup does not reference a log group of the template");
            }
            else if (!owners.TryAdd(group.LogicalId, function.LogicalId))
            {
                violations.Add($"{function}: shares {group.LogicalId} with {owners[group.LogicalId]}");
            }
        }

        return violations;
    }

    /// <summary>
    /// Every SNS topic and SQS queue of the template has a resource policy that denies, to everyone, every request
    /// made without TLS: the statement AWS's security best practices give for SNS and SQS.
    /// https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html#enforce-encryption-data-in-transit
    /// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html#enforce-encryption-data-in-transit
    /// </summary>
    public static IReadOnlyList<string> TopicsAndQueuesWithoutTlsOnlyPolicy(CloudFormationTemplate template)
    {
        var violations = new List<string>();
        foreach (var (resourceType, policyType, listProperty, actions) in new[]
                 {
                     ("AWS::SNS::Topic", "AWS::SNS::TopicPolicy", "Topics", new[] { "sns:publish", "sns:*" }),
                     ("AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "Queues", new[] { "sqs:*" }),
                 })
        {
            foreach (var resource in template.OfType(resourceType))
            {
                var denies = template.OfType(policyType)
                    .Where(policy => (policy.Properties[listProperty] as JsonArray ?? []).Any(item => IntrinsicReferences.RefTarget(item) == resource.LogicalId))
                    .SelectMany(IamStatement.OfResourcePolicy)
                    .Any(statement => statement.IsDeny
                        && statement.AppliesToEveryone
                        && statement.LiteralActions.Overlaps(actions)
                        && (string?)statement.Body["Condition"]?["Bool"]?["aws:SecureTransport"] == "false");
                if (!denies)
                {
                    violations.Add($"{resource}: no {policyType} denies requests without TLS (aws:SecureTransport false)");
                }
            }
        }

        return violations;
    }

    /// <summary>
    /// Every AWS::Lambda::Permission for a service principal names its source by a reference into this template, so
    /// no other topic, API or account can invoke the function through it.
    /// </summary>
    public static IReadOnlyList<string> UnscopedLambdaPermissions(CloudFormationTemplate template)
    {
        var violations = new List<string>();
        foreach (var permission in template.OfType("AWS::Lambda::Permission"))
        {
            var source = permission.Properties["SourceArn"];
            if (source is null)
            {
                violations.Add($"{permission}: no SourceArn");
            }
            else if (!IntrinsicReferences.References(source).Any(template.Resources.ContainsKey))
            {
                violations.Add($"{permission}: SourceArn {source.ToJsonString()} names no resource of this stack");
            }
        }

        return violations;
    }
}
