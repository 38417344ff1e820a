using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureLambda.Aws.Lambda.Events;

/// <summary>
/// The REST API (v1) Lambda proxy integration event, payload format 1.0, member for member as API Gateway sends it
/// (members it sends as <c>null</c> are written as <c>null</c>). LocalCloud's gateway writes it; the functions read it.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
/// </summary>
public sealed record ApiGatewayProxyRequest
{
    public string? Resource { get; init; }

    public string? Path { get; init; }

    public string? HttpMethod { get; init; }

    public Dictionary<string, string?>? Headers { get; init; }

    public Dictionary<string, List<string?>>? MultiValueHeaders { get; init; }

    public Dictionary<string, string?>? QueryStringParameters { get; init; }

    public Dictionary<string, List<string?>>? MultiValueQueryStringParameters { get; init; }

    public Dictionary<string, string>? PathParameters { get; init; }

    public Dictionary<string, string>? StageVariables { get; init; }

    public ApiGatewayRequestContext? RequestContext { get; init; }

    public string? Body { get; init; }

    public bool IsBase64Encoded { get; init; }
}

public sealed record ApiGatewayRequestContext
{
    public string? ResourceId { get; init; }

    public string? ResourcePath { get; init; }

    public string? HttpMethod { get; init; }

    public string? ExtendedRequestId { get; init; }

    /// <summary>CLF-formatted, e.g. <c>09/Apr/2015:12:34:56 +0000</c>.</summary>
    public string? RequestTime { get; init; }

    public string? Path { get; init; }

    public string? AccountId { get; init; }

    public string? Protocol { get; init; }

    public string? Stage { get; init; }

    public string? DomainPrefix { get; init; }

    public long RequestTimeEpoch { get; init; }

    public string? RequestId { get; init; }

    public ApiGatewayRequestIdentity? Identity { get; init; }

    public ApiGatewayAuthorizerContext? Authorizer { get; init; }

    public string? DomainName { get; init; }

    public string? ApiId { get; init; }
}

/// <summary>The caller as API Gateway saw it; for a Cognito user pool authorizer only the address and agent are set, and the API key on a method that requires one.</summary>
public sealed record ApiGatewayRequestIdentity
{
    /// <summary>The API key the request carried, on a method that requires one.</summary>
    public string? ApiKey { get; init; }

    public string? ApiKeyId { get; init; }

    public string? CognitoIdentityPoolId { get; init; }

    public string? AccountId { get; init; }

    public string? CognitoIdentityId { get; init; }

    public string? Caller { get; init; }

    public string? SourceIp { get; init; }

    public string? PrincipalOrgId { get; init; }

    public string? AccessKey { get; init; }

    public string? CognitoAuthenticationType { get; init; }

    public string? CognitoAuthenticationProvider { get; init; }

    public string? UserArn { get; init; }

    public string? UserAgent { get; init; }

    public string? User { get; init; }
}

/// <summary>For a Cognito user pool authorizer, <c>claims</c> holds the ID token's claims, every value a string.</summary>
public sealed record ApiGatewayAuthorizerContext
{
    public IReadOnlyDictionary<string, string>? Claims { get; init; }
}

/// <summary>The proxy response a function returns; API Gateway turns it into the HTTP answer.</summary>
public sealed record ApiGatewayProxyResponse(
    int StatusCode,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    bool IsBase64Encoded = false);

/// <summary>camelCase like the event, escaped as API Gateway's own JSON is.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApiGatewayProxyRequest))]
[JsonSerializable(typeof(ApiGatewayProxyResponse))]
public sealed partial class ApiGatewayJsonContext : JsonSerializerContext;
