using System.Text.Json;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Tests.Provisioning;

/// <summary>
/// The identity settings of the production template (issue 8) reach the engine's pools and clients, and the
/// resources LocalCloud knowingly skips still resolve as AWS documents them.
/// </summary>
[Collection(ProvisioningMotoCollectionDefinition.Name)]
public sealed class HardenedIdentityMotoTests(ProvisioningFixture fixture)
{
    private ProvisionedStack Stack => fixture.Stack;

    private Task<JsonElement?> Aws(params string[] args) => fixture.Moto.AwsCliAsync(args);

    [Theory]
    [InlineData("UserPool1Id")]
    [InlineData("UserPool2Id")]
    public async Task EachPool_AllowsAdminCreatedUsersOnly_AndOffersOptionalTotp(string poolOutput)
    {
        var poolId = Stack.Outputs[poolOutput];

        var pool = (await Aws("cognito-idp", "describe-user-pool", "--user-pool-id", poolId))!.Value.GetProperty("UserPool");
        Assert.True(pool.GetProperty("AdminCreateUserConfig").GetProperty("AllowAdminCreateUserOnly").GetBoolean());

        // EnabledMfas is applied with SetUserPoolMfaConfig, as CloudFormation does.
        var mfa = (await Aws("cognito-idp", "get-user-pool-mfa-config", "--user-pool-id", poolId))!.Value;
        Assert.Equal("OPTIONAL", mfa.GetProperty("MfaConfiguration").GetString());
        Assert.True(mfa.GetProperty("SoftwareTokenMfaConfiguration").GetProperty("Enabled").GetBoolean());
    }

    [Theory]
    [InlineData("UserPool1Id", "UserPool1ClientId")]
    [InlineData("UserPool2Id", "UserPool2ClientId")]
    public async Task EachClient_OffersSrp_AndIssuesShortLivedTokens(string poolOutput, string clientOutput)
    {
        var client = (await Aws(
            "cognito-idp", "describe-user-pool-client",
            "--user-pool-id", Stack.Outputs[poolOutput],
            "--client-id", Stack.Outputs[clientOutput]))!.Value.GetProperty("UserPoolClient");

        var flows = client.GetProperty("ExplicitAuthFlows").EnumerateArray().Select(flow => flow.GetString()).ToList();
        Assert.Contains("ALLOW_USER_SRP_AUTH", flows);
        Assert.Contains("ALLOW_USER_PASSWORD_AUTH", flows);
        Assert.Equal(15, client.GetProperty("IdTokenValidity").GetInt32());
        Assert.Equal(15, client.GetProperty("AccessTokenValidity").GetInt32());
        Assert.Equal(1, client.GetProperty("RefreshTokenValidity").GetInt32());
        Assert.Equal("ENABLED", client.GetProperty("PreventUserExistenceErrors").GetString());
    }

    /// <summary>With MFA ON, Cognito makes a user without a device set one up (MFA_SETUP); moto signs them in. Refused, not weakened.</summary>
    [Fact]
    public void MfaRequest_RefusesMfaOn_WhichTheEngineWouldNotEnforce()
    {
        var properties = new SecureLambda.CloudFormation.Properties.ResourceProperties("Pool", "AWS::Cognito::UserPool", new()
        {
            ["MfaConfiguration"] = "ON",
            ["EnabledMfas"] = new System.Text.Json.Nodes.JsonArray("SOFTWARE_TOKEN_MFA"),
        });

        var error = Assert.Throws<SecureLambda.CloudFormation.UnsupportedTemplateException>(() => CognitoUserPoolProvisioner.MfaRequest("pool", properties));

        Assert.Contains("MfaConfiguration", error.Message, StringComparison.Ordinal);
        Assert.Contains("MFA_SETUP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MfaRequest_RefusesAFactorTheEngineCannotSend_InsteadOfDroppingIt()
    {
        var properties = new SecureLambda.CloudFormation.Properties.ResourceProperties("Pool", "AWS::Cognito::UserPool", new System.Text.Json.Nodes.JsonObject
        {
            ["MfaConfiguration"] = "OPTIONAL",
            ["EnabledMfas"] = new System.Text.Json.Nodes.JsonArray("SOFTWARE_TOKEN_MFA", "SMS_MFA"),
        });

        var error = Assert.Throws<SecureLambda.CloudFormation.UnsupportedTemplateException>(() => CognitoUserPoolProvisioner.MfaRequest("pool", properties));

        Assert.Contains("SMS_MFA", error.Message, StringComparison.Ordinal);
        Assert.Equal("Pool", error.LogicalId);
        Assert.Null(CognitoUserPoolProvisioner.MfaRequest(
            "pool", new("Pool", "AWS::Cognito::UserPool", new() { ["MfaConfiguration"] = "OFF" })));
    }

    [Fact]
    public void SkippedPolicyAlarmAndGatewayResponseResources_GetTheirDocumentedRefAndGetAttValues()
    {
        // Ref of an alarm is its name; GetAtt Arn is its ARN (aws-resource-cloudwatch-alarm.html#aws-resource-cloudwatch-alarm-return-values).
        var alarm = Stack.Get("InternalLambdaDeadLetterAlarm");
        Assert.Equal("secure-lambda-InternalLambda-dead-letters", alarm.PhysicalId);
        Assert.Equal(
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:secure-lambda-InternalLambda-dead-letters",
            alarm.Attributes["Arn"].GetValue<string>());
        foreach (var logicalId in new[] { "GreetingTopicPolicy", "InternalLambdaDeadLetterQueuePolicy", "GreetingApiDefault4xxResponse" })
        {
            Assert.Matches("^[a-z0-9]{12}$", Stack.Get(logicalId).PhysicalId);
        }

        // The alarms' topic is a real topic in the engine, and the e-mail subscription exists only with AlarmEmail.
        Assert.EndsWith(":secure-lambda-Alarms", Stack.Outputs["AlarmTopicArn"], StringComparison.Ordinal);
        Assert.Null(Stack.Find("AlarmEmailSubscription"));
    }
}
