using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.Authorizers;

namespace SecureLambda.LocalCloud.Tests.Authorizers;

/// <summary>The status and body the gateway sends for an authorizer's refusal.</summary>
internal static class RefusedTokenResponses
{
    public static (int Status, string Body) Of(AuthorizerFailure failure)
    {
        var response = GatewayResponse.ForRefusedToken(failure);
        return (response.StatusCode, response.Body);
    }
}
