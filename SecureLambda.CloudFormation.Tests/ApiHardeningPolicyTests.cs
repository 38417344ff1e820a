using SecureLambda.CloudFormation.Intrinsics;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

/// <summary>Attacks on the API's edge settings (issue 8, "The API"): TLS, stages, gateway answers, parameters.</summary>
public sealed class ApiHardeningPolicyTests
{
    private static readonly CloudFormationTemplate Template = SecureLambdaTemplate.Template;

    /// <summary>
    /// The legacy default policy still accepts TLS 1.2 with CBC suites; the enhanced TLS 1.3 policy accepts AEAD
    /// suites only, and STRICT access mode refuses a request whose SNI host is not this API (domain fronting).
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies.html
    /// </summary>
    [Fact]
    public void DowngradeTls_OrFrontTheDomain_IsRefusedByTheEndpoint()
    {
        var api = Template.Resource("GreetingApi");

        Assert.Equal("SecurityPolicy_TLS13_1_3_2025_09", api.Text("SecurityPolicy"));
        Assert.Equal("STRICT", api.Text("EndpointAccessMode"));
    }

    /// <summary>
    /// A permission with "*" for the stage lets any stage of the API invoke the function, including one created by
    /// hand on an old deployment that lacks today's authorizer or validator. Each permission names the stack's stage.
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html
    /// </summary>
    [Theory]
    [InlineData("ExternalLambda1ApiPermission")]
    [InlineData("ExternalLambda2ApiPermission")]
    public void InvokeTheFunction_ThroughAnotherStage_IsNotPermitted(string permission)
    {
        var source = IntrinsicReferences.SubTemplate(Template.Resource(permission).Properties["SourceArn"]);

        Assert.NotNull(source);
        Assert.Contains(":${GreetingApi}/${StageName}/POST/", source, StringComparison.Ordinal);
        Assert.DoesNotContain("/*/", source, StringComparison.Ordinal);
        Assert.Equal("development", (string?)Template.Parameters["StageName"].Default);
    }

    /// <summary>
    /// API Gateway's own answers (401, 403, 429, 400, 5XX) get no-store, nosniff and HSTS through the two default
    /// gateway responses, which every 4XX and 5XX type without a response of its own falls back to; status codes and
    /// bodies stay AWS's (no StatusCode, no template). https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
    /// </summary>
    [Theory]
    [InlineData("DEFAULT_4XX")]
    [InlineData("DEFAULT_5XX")]
    public void CacheOrSniffAGatewayAnswer_IsPreventedByItsSecurityHeaders(string responseType)
    {
        var response = Assert.Single(Template.OfType("AWS::ApiGateway::GatewayResponse"), r => r.Text("ResponseType") == responseType);

        Assert.Equal("GreetingApi", IntrinsicReferences.RefTarget(response.Properties["RestApiId"]));
        var parameters = response.Properties["ResponseParameters"]!;
        Assert.Equal("'no-store'", (string?)parameters["gatewayresponse.header.Cache-Control"]);
        Assert.Equal("'nosniff'", (string?)parameters["gatewayresponse.header.X-Content-Type-Options"]);
        Assert.Equal("'max-age=31536000; includeSubDomains'", (string?)parameters["gatewayresponse.header.Strict-Transport-Security"]);
        Assert.Null(response.Properties["StatusCode"]);
        Assert.Null(response.Properties["ResponseTemplates"]);
    }

    [Fact]
    public void Validator_ChecksParametersToo_SoARequiredParameterAddedLaterIsEnforced() =>
        Assert.Equal("true", Template.Resource("GreetingRequestValidator").Text("ValidateRequestParameters"));
}
