namespace SecureLambda.LocalCloud.ApiGateway.Throttling;

/// <summary>
/// What API Gateway answers a throttled request: 429 with this body (gateway response THROTTLED).
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
/// </summary>
public static class ThrottleAnswers
{
    public const int TooManyRequestsStatusCode = 429;

    public const string TooManyRequestsBody = """{"message":"Too Many Requests"}""";
}
