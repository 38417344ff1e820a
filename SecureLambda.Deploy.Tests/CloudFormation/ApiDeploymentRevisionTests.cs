using System.Text.RegularExpressions;
using SecureLambda.Aws.CloudFormation;
using SecureLambda.Deploy.CloudFormation;
using SecureLambda.Deploy.Tests.Support;

namespace SecureLambda.Deploy.Tests.CloudFormation;

/// <summary>
/// The stage follows the API: CloudFormation makes a new API Gateway deployment only when the Deployment resource is
/// new (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-deployment.html),
/// so its logical id must change exactly when the API definition does.
/// </summary>
public sealed class ApiDeploymentRevisionTests
{
    private static string? NoParameters(string name) => null;

    private static string DeploymentId(string template) =>
        ApiDeploymentRevision.Apply(template, NoParameters).Renames["GreetingApiDeployment"];

    [Fact]
    public void TheRealTemplate_GetsAHashedDeploymentId_AndEveryReferenceFollows()
    {
        var (text, renames) = ApiDeploymentRevision.Apply(Repository.TemplateText, NoParameters);

        // The deployment and the documentation version it publishes are renamed together, with one hash.
        Assert.Equal(["GreetingApiDeployment", "GreetingApiDocs"], renames.Keys.Order(StringComparer.Ordinal));
        var to = renames["GreetingApiDeployment"];
        Assert.Matches("^GreetingApiDeployment[0-9a-f]{10}$", to);
        Assert.Equal("GreetingApiDocs" + to["GreetingApiDeployment".Length..], renames["GreetingApiDocs"]);
        Assert.DoesNotMatch(@"(?<![A-Za-z0-9])GreetingApiDeployment(?![A-Za-z0-9])", text);
        Assert.DoesNotMatch(@"(?<![A-Za-z0-9])GreetingApiDocs(?![A-Za-z0-9])", text);
        Assert.Contains($"  {to}:\n    Type: AWS::ApiGateway::Deployment", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"DeploymentId: !Ref {to}", text, StringComparison.Ordinal);
        Assert.Contains($"DocumentationVersion: !Ref {renames["GreetingApiDocs"]}", text, StringComparison.Ordinal);
        Assert.Equal("GreetingApiDeployment", ApiDeploymentRevision.OriginalId(to, ApiDeploymentRevision.DeploymentType));
    }

    [Fact]
    public void AnUnchangedApi_KeepsItsDeploymentId_SoNoDeploymentIsCreated() =>
        Assert.Equal(DeploymentId(Repository.TemplateText), DeploymentId(Repository.TemplateText));

    [Theory]
    [InlineData("maxLength: 128", "maxLength: 100")] // the model
    [InlineData("ValidateRequestBody: true", "ValidateRequestBody: false")] // the validator
    [InlineData("IdentitySource: method.request.header.Authorization", "IdentitySource: method.request.header.X-Token")] // an authorizer
    [InlineData("PathPart: lambda2", "PathPart: hello")] // a resource
    [InlineData("      HttpMethod: POST\n      AuthorizationType: COGNITO_USER_POOLS\n      AuthorizerId: !Ref Lambda1Authorizer", "      HttpMethod: PUT\n      AuthorizationType: COGNITO_USER_POOLS\n      AuthorizerId: !Ref Lambda1Authorizer")] // a method
    [InlineData("        IntegrationHttpMethod: POST\n        Uri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ExternalLambda1.Arn}/invocations", "        IntegrationHttpMethod: POST\n        TimeoutInMillis: 5000\n        Uri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ExternalLambda1.Arn}/invocations")] // an integration
    public void AChangedApi_GetsANewDeploymentId(string from, string to)
    {
        var template = Repository.TemplateText.ReplaceLineEndings("\n");
        Assert.Contains(from, template, StringComparison.Ordinal);

        Assert.NotEqual(DeploymentId(template), DeploymentId(template.Replace(from, to, StringComparison.Ordinal)));
    }

    [Fact]
    public void AGatewayResponseAdded_GetsANewDeploymentId()
    {
        var template = Repository.TemplateText.ReplaceLineEndings("\n");
        const string response =
            "  UnauthorizedResponse:\n" +
            "    Type: AWS::ApiGateway::GatewayResponse\n" +
            "    Properties:\n" +
            "      RestApiId: !Ref GreetingApi\n" +
            "      ResponseType: UNAUTHORIZED\n" +
            "      StatusCode: \"401\"\n\n";
        var withResponse = template.Replace("\nOutputs:", "\n" + response + "Outputs:", StringComparison.Ordinal);
        Assert.NotEqual(template, withResponse);

        Assert.NotEqual(DeploymentId(template), DeploymentId(withResponse));
    }

    [Theory]
    [InlineData("Timeout: 10", "Timeout: 20")] // a function
    [InlineData("MinimumLength: 12", "MinimumLength: 14")] // a user pool
    [InlineData("MetricsEnabled: true", "MetricsEnabled: false")] // the stage: updated in place, no new deployment needed
    [InlineData("# One authorizer per pool", "# One Cognito authorizer per pool")] // a comment
    public void AChangeOutsideTheApiDefinition_KeepsTheDeploymentId(string from, string to)
    {
        var template = Repository.TemplateText;
        Assert.Contains(from, template, StringComparison.Ordinal);

        Assert.Equal(DeploymentId(template), DeploymentId(template.Replace(from, to, StringComparison.Ordinal)));
    }

    [Fact]
    public void AParameterTheApiRefersTo_CountsWithTheValueItWillHave()
    {
        var template = Repository.TemplateText.Replace("maxLength: 128", "maxLength: !Ref ThrottlingBurstLimit", StringComparison.Ordinal);

        Assert.NotEqual(
            ApiDeploymentRevision.Apply(template, name => name == "ThrottlingBurstLimit" ? "100" : null).Renames["GreetingApiDeployment"],
            ApiDeploymentRevision.Apply(template, name => name == "ThrottlingBurstLimit" ? "120" : null).Renames["GreetingApiDeployment"]);
        // A parameter no API resource refers to does not move the id.
        Assert.Equal(
            ApiDeploymentRevision.Apply(template, name => name == "StageName" ? "a" : null).Renames["GreetingApiDeployment"],
            ApiDeploymentRevision.Apply(template, name => name == "StageName" ? "b" : null).Renames["GreetingApiDeployment"]);
    }

    [Fact]
    public void KeyOrderAndFormatting_DoNotMoveTheId()
    {
        var template = Repository.TemplateText.ReplaceLineEndings("\n");
        var reordered = template.Replace(
            "      Type: COGNITO_USER_POOLS\n      IdentitySource: method.request.header.Authorization\n      ProviderARNs:\n        - !GetAtt MyUserPool1.Arn",
            "      IdentitySource: \"method.request.header.Authorization\"\n      Type: COGNITO_USER_POOLS\n      ProviderARNs: [!GetAtt MyUserPool1.Arn]",
            StringComparison.Ordinal);
        Assert.NotEqual(template, reordered);

        Assert.Equal(DeploymentId(template), DeploymentId(reordered));
    }

    [Fact]
    public void ATemplateWithoutADeployment_IsLeftAsItIs()
    {
        const string template = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n";

        var (text, renames) = ApiDeploymentRevision.Apply(template, NoParameters);

        Assert.Equal(template, text);
        Assert.Empty(renames);
        Assert.Null(ApiDeploymentRevision.OriginalId("GreetingApiDeployment", ApiDeploymentRevision.DeploymentType));
        Assert.Null(ApiDeploymentRevision.OriginalId("QueueAbcdef0123", "AWS::SQS::Queue"));
        Assert.True(Regex.IsMatch(DeploymentId(Repository.TemplateText), "^[A-Za-z0-9]{1,255}$"), "CloudFormation logical ids are alphanumeric");
    }
}

/// <summary>
/// CloudFormation takes at most 51,200 bytes inline and 1 MB from S3
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html); the tool sends the
/// template without its comments, inline when it fits, else through the artifact bucket (the moto tests deploy it so).
/// </summary>
public sealed class TemplateBodyTests
{
    [Fact]
    public void TheRealTemplate_WithoutItsComments_MeansTheSame_AndFitsTheTemplateUrlLimit()
    {
        var compact = TemplateYaml.WithoutComments(Repository.TemplateText);

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(compact) <= 1_000_000, $"{compact.Length} bytes");
        Assert.DoesNotMatch(@"(?m)^\s*#", compact);
        Assert.Equal(TemplateYaml.Canonical(TemplateYaml.Root(Repository.TemplateText)), TemplateYaml.Canonical(TemplateYaml.Root(compact)));
    }

    [Fact]
    public void LinesOfABlockScalar_ThatLookLikeComments_AreKept()
    {
        const string template = "Resources:\n  # a comment\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata:\n      Note: |\n        # not a comment\n        text\n    # another comment\n    Properties: {}\n";

        var compact = TemplateYaml.WithoutComments(template);

        Assert.Equal("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata:\n      Note: |\n        # not a comment\n        text\n    Properties: {}\n", compact);
    }
}
