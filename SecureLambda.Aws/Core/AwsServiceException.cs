using System.Net;

namespace SecureLambda.Aws.Core;

/// <summary>An error reply from an AWS service, carrying the service's own error code and message.</summary>
public sealed class AwsServiceException(
    string service,
    string errorCode,
    string message,
    HttpStatusCode statusCode,
    string? requestId) : Exception($"{service} {errorCode}: {message}")
{
    public string Service { get; } = service;

    /// <summary>The AWS error code, for example <c>ResourceNotFoundException</c> or <c>NotFound</c>.</summary>
    public string ErrorCode { get; } = errorCode;

    /// <summary>The message exactly as the service sent it.</summary>
    public string AwsMessage { get; } = message;

    public HttpStatusCode StatusCode { get; } = statusCode;

    public string? RequestId { get; } = requestId;
}
