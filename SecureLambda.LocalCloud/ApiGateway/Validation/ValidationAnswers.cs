namespace SecureLambda.LocalCloud.ApiGateway.Validation;

/// <summary>
/// What API Gateway answers a request whose body fails its model: 400 with this exact body (gateway response
/// BAD_REQUEST_BODY; AWS writes it with a space after the colon).
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-validation-set-up.html
/// </summary>
public static class ValidationAnswers
{
    public const int InvalidRequestBodyStatus = 400;

    public const string InvalidRequestBody = "{\"message\": \"Invalid request body\"}";
}
