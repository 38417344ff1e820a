using System.Net;
using System.Text;
using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.Tests.Core;

public sealed class AwsErrorParserTests
{
    private static AwsServiceException Parse(AwsProtocol protocol, HttpStatusCode status, string body, params (string Name, string Value)[] headers)
    {
        using var response = new HttpResponseMessage(status);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return AwsErrorParser.Parse(protocol, AwsServiceDescriptor.Sns, status, response.Headers, Encoding.UTF8.GetBytes(body));
    }

    [Theory]
    [InlineData("ResourceNotFoundException", "ResourceNotFoundException")]
    [InlineData("com.amazonaws.secretsmanager#ResourceNotFoundException", "ResourceNotFoundException")]
    [InlineData("AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/", "AccessDeniedException")]
    public void NormalizeCode_StripsNamespaceAndSuffix(string raw, string expected) =>
        Assert.Equal(expected, AwsErrorParser.NormalizeCode(raw));

    [Fact]
    public void Json_TakesCodeFromErrorTypeHeader_WhenBodyHasNoType()
    {
        var error = Parse(
            AwsProtocol.Json11,
            HttpStatusCode.BadRequest,
            """{"message":"User is not authorized"}""",
            ("x-amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/"),
            ("x-amzn-RequestId", "req-1"));

        Assert.Equal("AccessDeniedException", error.ErrorCode);
        Assert.Equal("User is not authorized", error.AwsMessage);
        Assert.Equal("req-1", error.RequestId);
    }

    [Fact]
    public void Json_FallsBackToStatus_WhenBodyIsNotJson()
    {
        var error = Parse(AwsProtocol.Json11, HttpStatusCode.BadGateway, "<html>Bad gateway</html>");

        Assert.Equal("502", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.True(AwsRetryPolicy.IsRetryable(error));
    }

    [Fact]
    public void Query_ReadsCodeMessageAndRequestId_FromAwsErrorResponse()
    {
        // The shape SNS documents for Publish to a missing topic (https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html).
        var error = Parse(
            AwsProtocol.Query,
            HttpStatusCode.NotFound,
            """
            <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error>
              <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>
            </ErrorResponse>
            """);

        Assert.Equal("NotFound", error.ErrorCode);
        Assert.Equal("Topic does not exist", error.AwsMessage);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("9dd01905-5012-5f99-8663-4b3ecd0dfaef", error.RequestId);
        Assert.Equal("SNS", error.Service);
    }

    [Fact]
    public void Query_PrefersRequestIdHeader_OverBody()
    {
        var error = Parse(
            AwsProtocol.Query,
            HttpStatusCode.BadRequest,
            "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>body-id</RequestId></ErrorResponse>",
            ("x-amzn-RequestId", "header-id"));

        Assert.Equal("Throttling", error.ErrorCode);
        Assert.Equal("header-id", error.RequestId);
        Assert.True(AwsRetryPolicy.IsRetryable(error));
    }

    [Fact]
    public void Query_RejectsDtd_AndFallsBackToStatus()
    {
        var error = Parse(
            AwsProtocol.Query,
            HttpStatusCode.BadRequest,
            """<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x "Throttling">]><ErrorResponse><Error><Code>&x;</Code></Error></ErrorResponse>""");

        Assert.Equal("400", error.ErrorCode);
    }
}
