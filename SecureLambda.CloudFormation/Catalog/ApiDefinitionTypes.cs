namespace SecureLambda.CloudFormation.Catalog;

/// <summary>
/// The resource types whose properties an <c>AWS::ApiGateway::Deployment</c> snapshots: a change to any of them stays
/// undeployed until a new Deployment is created
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-deployment.html).
/// </summary>
public static class ApiDefinitionTypes
{
    public const string Deployment = "AWS::ApiGateway::Deployment";

    /// <summary>The snapshot of the documentation parts a stage publishes; like a Deployment, made only when created or replaced.</summary>
    public const string DocumentationVersion = "AWS::ApiGateway::DocumentationVersion";

    /// <summary>The snapshot types: a change to the API's definition needs a new resource of each to reach the stage.</summary>
    public static IReadOnlySet<string> Snapshots { get; } = new HashSet<string>(StringComparer.Ordinal) { Deployment, DocumentationVersion };

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Resource",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::Authorizer",
        "AWS::ApiGateway::Model",
        "AWS::ApiGateway::RequestValidator",
        "AWS::ApiGateway::GatewayResponse",
        "AWS::ApiGateway::DocumentationPart",
    };
}
