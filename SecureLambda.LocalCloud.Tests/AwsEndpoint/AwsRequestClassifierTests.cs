using System.Text;
using SecureLambda.LocalCloud.AwsEndpoint;

namespace SecureLambda.LocalCloud.Tests.AwsEndpoint;

/// <summary>
/// AWS's endpoints know a request's service from its SigV4 credential scope
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html); the JSON protocols name
/// the operation in <c>X-Amz-Target</c>, the Query protocol in <c>Action</c>.
/// </summary>
public sealed class AwsRequestClassifierTests
{
    private static AwsServiceCall Classify(string method, string path, Dictionary<string, string> headers, Dictionary<string, string>? query = null) =>
        AwsRequestClassifier.Classify(
            method,
            path,
            name => headers.TryGetValue(name, out var value) ? [value] : [],
            name => query?.GetValueOrDefault(name));

    [Fact]
    public void TheCredentialScope_NamesTheService_AndTheTarget_TheOperation()
    {
        var call = Classify("POST", "/", new()
        {
            ["Authorization"] = "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261202/us-east-1/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
            ["X-Amz-Target"] = "secretsmanager.GetSecretValue",
        });

        Assert.Equal(new AwsServiceCall("secretsmanager", "GetSecretValue", AwsProtocol.Json), call);
    }

    [Fact]
    public void TheCredentialScope_WinsOverTheTargetsPrefix()
    {
        var call = Classify("POST", "/", new()
        {
            ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abc",
            ["X-Amz-Target"] = "secretsmanager.GetSecretValue",
        });

        Assert.Equal("sqs", call.Service);
    }

    [Fact]
    public void AnUnsignedCognitoCall_IsNamedByItsTargetsPrefix()
    {
        var call = Classify("POST", "/", new() { ["X-Amz-Target"] = "AWSCognitoIdentityProviderService.InitiateAuth" });

        Assert.Equal(new AwsServiceCall("cognito-idp", "InitiateAuth", AwsProtocol.Json), call);
    }

    [Fact]
    public void AQueryCall_TakesItsOperationFromTheFormBody()
    {
        var call = Classify("POST", "/", new()
        {
            ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=abc",
            ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8",
        });

        var withOperation = AwsRequestClassifier.WithFormOperation(call, Encoding.UTF8.GetBytes("Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3At&Message=Ada&Version=2010-03-31"));

        Assert.Equal(new AwsServiceCall("sns", null, AwsProtocol.Query), call);
        Assert.Equal(new AwsServiceCall("sns", "Publish", AwsProtocol.Query), withOperation);
    }

    [Fact]
    public void AQueryCall_MayNameItsOperationInTheQueryString()
    {
        var call = Classify("GET", "/", new(), new() { ["Action"] = "ListTopics", ["X-Amz-Credential"] = "AKID/20261202/us-east-1/sns/aws4_request" });

        Assert.Equal(new AwsServiceCall("sns", "ListTopics", AwsProtocol.Query), call);
    }

    [Theory]
    [InlineData("POST", "/2015-03-31/functions/ExternalLambda1/invocations", "lambda", AwsProtocol.RestJson)]
    [InlineData("GET", "/us-east-1_abc/.well-known/jwks.json", "cognito-idp", AwsProtocol.RestJson)]
    [InlineData("GET", "/some/bucket", AwsServiceCall.Unknown, AwsProtocol.RestJson)]
    public void AnUnsignedRestCall_IsNamedByItsPath(string method, string path, string service, AwsProtocol protocol)
    {
        var call = Classify(method, path, new());

        Assert.Equal(new AwsServiceCall(service, null, protocol), call);
    }

    [Fact]
    public void S3_AnswersInXml()
    {
        var call = Classify("PUT", "/bucket/key", new() { ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc" });

        Assert.Equal(new AwsServiceCall("s3", null, AwsProtocol.RestXml), call);
    }
}
