namespace SecureLambda.LocalCloud.ApiGateway.Export;

/// <summary>
/// What API Gateway's <c>GetExport</c> answers: the <c>Content-Type</c> (the accepted type), the
/// <c>Content-Disposition</c> and the document.
/// https://docs.aws.amazon.com/apigateway/latest/api/API_GetExport.html
/// </summary>
public sealed record ApiExport(string ContentType, string ContentDisposition, byte[] Body);

/// <summary>A refused export, with API Gateway's status code and error type (<c>NotFoundException</c>, <c>BadRequestException</c>).</summary>
public sealed class ApiExportException(int statusCode, string errorType, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string ErrorType { get; } = errorType;

    internal static ApiExportException NotFound(string message) => new(404, "NotFoundException", message);

    internal static ApiExportException BadRequest(string message) => new(400, "BadRequestException", message);
}

/// <summary>
/// The API Gateway extensions an export carries, from its <c>extensions</c> parameter: <c>integrations</c> adds the
/// integrations, request validators, gateway responses and API key source; <c>authorizers</c> the authorizers'
/// <c>x-amazon-apigateway-authorizer</c>; <c>apigateway</c> both.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-export-api.html
/// </summary>
[Flags]
public enum ApiExportExtensions
{
    None = 0,
    Integrations = 1,
    Authorizers = 2,
    ApiGateway = Integrations | Authorizers,
}
