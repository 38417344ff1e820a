using SecureLambda.CloudFormation.Intrinsics;
using SecureLambda.CloudFormation.Tests.Policies;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

/// <summary>The policy checks run on small templates that break them, proving they would catch a regression.</summary>
public sealed class PolicyChecksCatchViolationsTests
{
    private static CloudFormationTemplate RoleWithStatement(string statement) => PolicyTemplate.Parse($$"""
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: {Service: lambda.amazonaws.com}
                    Action: sts:AssumeRole
              Policies:
                - PolicyName: Inline
                  PolicyDocument:
                    Version: "2012-10-17"
                    Statement:
                      - {{statement}}
        """);

    [Theory]
    [InlineData("""{Effect: Allow, Action: "*", Resource: !Ref Topic}""")]
    [InlineData("""{Effect: Allow, Action: "sns:*", Resource: !Ref Topic}""")]
    [InlineData("""{Effect: Allow, Action: ["sns:Publish", "s3:Get*"], Resource: !Ref Topic}""")]
    [InlineData("""{Effect: Allow, Action: sns:Publish, Resource: "*"}""")]
    [InlineData("""{Effect: Allow, Action: [xray:PutTraceSegments, logs:PutLogEvents], Resource: "*"}""")]
    [InlineData("""{Effect: Allow, Action: sns:Publish, Resource: "arn:aws:sns:*:*:*"}""")]
    [InlineData("""{Effect: Allow, Action: sns:Publish, Resource: !Sub "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*"}""")]
    [InlineData("""{Effect: Allow, NotAction: iam:*, Resource: !Ref Topic}""")]
    [InlineData("""{Effect: Allow, Action: !Ref SomeAction, Resource: !Ref Topic}""")]
    public void WildcardIamGrants_FlagsTheStatement(string statement) =>
        Assert.NotEmpty(TemplatePolicies.WildcardIamGrants(RoleWithStatement(statement)));

    [Fact]
    public void WildcardIamGrants_FlagsAStandaloneIamPolicyToo()
    {
        var template = PolicyTemplate.Parse("""
            Resources:
              Extra:
                Type: AWS::IAM::Policy
                Properties:
                  PolicyName: Extra
                  Roles: [!Ref Role]
                  PolicyDocument:
                    Statement:
                      Effect: Allow
                      Action: secretsmanager:*
                      Resource: "*"
            """);

        Assert.Equal(2, TemplatePolicies.WildcardIamGrants(template).Count);
    }

    [Theory]
    [InlineData("""{Effect: Allow, Action: [xray:PutTraceSegments, xray:PutTelemetryRecords], Resource: "*"}""")]
    [InlineData("""{Effect: Allow, Action: sns:Publish, Resource: !Ref Topic}""")]
    [InlineData("""{Effect: Allow, Action: logs:PutLogEvents, Resource: !GetAtt Group.Arn}""")]
    [InlineData("""{Effect: Deny, Action: "*", Resource: "*"}""")]
    public void WildcardIamGrants_AcceptsScopedAndXRayStatements(string statement) =>
        Assert.Empty(TemplatePolicies.WildcardIamGrants(RoleWithStatement(statement)));

    [Theory]
    [InlineData("AuthorizationType: NONE")]
    [InlineData("AuthorizationType: COGNITO_USER_POOLS")]
    [InlineData("AuthorizationType: COGNITO_USER_POOLS\n      AuthorizerId: !Ref LambdaAuthorizer")]
    public void MethodsWithoutCognitoAuthorizer_FlagsTheMethod(string authorization)
    {
        var template = PolicyTemplate.Parse($"""
            Resources:
              LambdaAuthorizer:
                Type: AWS::ApiGateway::Authorizer
                Properties:
                  Type: TOKEN
              Method:
                Type: AWS::ApiGateway::Method
                Properties:
                  HttpMethod: POST
                  {authorization}
            """);

        Assert.NotEmpty(TemplatePolicies.MethodsWithoutCognitoAuthorizer(template));
    }

    [Theory]
    [InlineData("ApiKeyRequired: false", "{ Enabled: true }", "KeyId: !Ref Key")]
    [InlineData("ApiKeyRequired: true", "{ Enabled: false }", "KeyId: !Ref Key")]
    [InlineData("ApiKeyRequired: true", "{ Enabled: true, Value: written-in-the-template-0000 }", "KeyId: !Ref Key")]
    [InlineData("ApiKeyRequired: true", "{ Enabled: true }", "KeyId: !Ref OtherKey")]
    public void ApiKeysWithoutUsagePlan_FlagsTheMethodOrTheKey(string method, string key, string planKey)
    {
        var template = PolicyTemplate.Parse($$"""
            Resources:
              Method:
                Type: AWS::ApiGateway::Method
                Properties:
                  {{method}}
              Stage:
                Type: AWS::ApiGateway::Stage
                Properties:
                  StageName: dev
              Key:
                Type: AWS::ApiGateway::ApiKey
                Properties: {{key}}
              OtherKey:
                Type: AWS::ApiGateway::ApiKey
                Properties:
                  Enabled: true
              OtherPlanKey:
                Type: AWS::ApiGateway::UsagePlanKey
                Properties:
                  KeyId: !Ref OtherKey
                  UsagePlanId: !Ref Plan
              Plan:
                Type: AWS::ApiGateway::UsagePlan
                Properties:
                  ApiStages:
                    - Stage: !Ref Stage
                  Throttle: { RateLimit: 1, BurstLimit: 1 }
                  Quota: { Limit: 1, Period: DAY }
              PlanKey:
                Type: AWS::ApiGateway::UsagePlanKey
                Properties:
                  {{planKey}}
                  UsagePlanId: !Ref Plan
            """);

        Assert.NotEmpty(TemplatePolicies.ApiKeysWithoutUsagePlan(template));
    }

    [Fact]
    public void ApiKeysWithoutUsagePlan_PassesAKeyInAPlanWithLimits()
    {
        var template = PolicyTemplate.Parse("""
            Resources:
              Method:
                Type: AWS::ApiGateway::Method
                Properties:
                  ApiKeyRequired: true
              Stage:
                Type: AWS::ApiGateway::Stage
                Properties:
                  StageName: dev
              Key:
                Type: AWS::ApiGateway::ApiKey
                Properties:
                  Enabled: true
              Plan:
                Type: AWS::ApiGateway::UsagePlan
                Properties:
                  ApiStages:
                    - Stage: !Ref Stage
                  Throttle: { RateLimit: 1, BurstLimit: 1 }
                  Quota: { Limit: 1, Period: DAY }
              PlanKey:
                Type: AWS::ApiGateway::UsagePlanKey
                Properties:
                  KeyId: !Ref Key
                  UsagePlanId: !Ref Plan
            """);

        Assert.Empty(TemplatePolicies.ApiKeysWithoutUsagePlan(template));
    }

    [Fact]
    public void LogGroupsWithoutRetention_FlagsTheGroup()
    {
        var template = PolicyTemplate.Parse("""
            Resources:
              Kept:
                Type: AWS::Logs::LogGroup
                Properties:
                  RetentionInDays: 14
              Forever:
                Type: AWS::Logs::LogGroup
            """);

        Assert.Contains("Forever", Assert.Single(TemplatePolicies.LogGroupsWithoutRetention(template)), StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionsWithoutOwnLogGroup_FlagsMissingAndSharedGroups()
    {
        var template = PolicyTemplate.Parse("""
            Resources:
              Group:
                Type: AWS::Logs::LogGroup
                Properties: {RetentionInDays: 14}
              First:
                Type: AWS::Lambda::Function
                Properties: {LoggingConfig: {LogGroup: !Ref Group}}
              Second:
                Type: AWS::Lambda::Function
                Properties: {LoggingConfig: {LogGroup: !Ref Group}}
              Third:
                Type: AWS::Lambda::Function
                Properties: {LoggingConfig: {LogGroup: /aws/lambda/elsewhere}}
            """);

        Assert.Equal(2, TemplatePolicies.FunctionsWithoutOwnLogGroup(template).Count);
    }

    [Fact]
    public void UnscopedLambdaPermissions_FlagsMissingAndForeignSourceArns()
    {
        var template = PolicyTemplate.Parse("""
            Resources:
              Topic:
                Type: AWS::SNS::Topic
              Scoped:
                Type: AWS::Lambda::Permission
                Properties: {Principal: sns.amazonaws.com, SourceArn: !Ref Topic}
              NoSource:
                Type: AWS::Lambda::Permission
                Properties: {Principal: apigateway.amazonaws.com}
              Foreign:
                Type: AWS::Lambda::Permission
                Properties: {Principal: sns.amazonaws.com, SourceArn: !Sub "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*"}
            """);

        var violations = TemplatePolicies.UnscopedLambdaPermissions(template);

        Assert.Equal(2, violations.Count);
        Assert.DoesNotContain(violations, v => v.StartsWith("Scoped", StringComparison.Ordinal));
    }
    [Theory]
    [InlineData("Effect: Allow")]
    [InlineData("Principal: {Service: sns.amazonaws.com}")]
    [InlineData("Action: sqs:ReceiveMessage")]
    [InlineData("Condition: {Bool: {aws:SecureTransport: \"true\"}}")]
    public void TlsOnlyPolicyCheck_FlagsAQueueWhosePolicyDoesNotDenyPlainHttp(string change)
    {
        var deny = new Dictionary<string, string>
        {
            ["Effect"] = "Effect: Deny",
            ["Principal"] = "Principal: \"*\"",
            ["Action"] = "Action: sqs:*",
            ["Condition"] = "Condition: {Bool: {aws:SecureTransport: \"false\"}}",
        };
        deny[change[..change.IndexOf(':', StringComparison.Ordinal)]] = change;
        var template = PolicyTemplate.Parse($$$"""
            Resources:
              Queue: {Type: AWS::SQS::Queue}
              Policy:
                Type: AWS::SQS::QueuePolicy
                Properties:
                  Queues: [!Ref Queue]
                  PolicyDocument:
                    Statement:
                      - {{{{string.Join(", ", deny.Values)}}}, Resource: "*"}
            """);

        Assert.Contains("Queue (AWS::SQS::Queue)", Assert.Single(TemplatePolicies.TopicsAndQueuesWithoutTlsOnlyPolicy(template)), StringComparison.Ordinal);
    }

    [Fact]
    public void TlsOnlyPolicyCheck_FlagsATopicWithoutAnyPolicy() =>
        Assert.Single(TemplatePolicies.TopicsAndQueuesWithoutTlsOnlyPolicy(PolicyTemplate.Parse("Resources:\n  Topic: {Type: AWS::SNS::Topic}\n")));
}
