using SecureLambda.CloudFormation.Properties;

namespace SecureLambda.LocalCloud.Authorizers;

/// <summary>
/// One <c>COGNITO_USER_POOLS</c> authorizer, as the gateway builds it from the template's
/// <c>AWS::ApiGateway::Authorizer</c> and the app clients of its pools.
/// </summary>
/// <param name="AuthorizerName">The authorizer's <c>Name</c>; names its span and tags its counter.</param>
/// <param name="Region">The pools' region; part of the issuer every token must carry.</param>
/// <param name="UserPoolIds">The pools of the authorizer's <c>ProviderARNs</c> (see <see cref="PoolIdFromArn"/>).</param>
/// <param name="AppClientIds">The app clients of those pools; an ID token's <c>aud</c> must be one of them.</param>
/// <param name="IdentityValidationExpression">
/// The authorizer's <c>IdentityValidationExpression</c>, or null. For <c>COGNITO_USER_POOLS</c> authorizers API Gateway
/// matches the token's <c>aud</c> against it
/// (https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html, <c>identityValidationExpression</c>).
/// </param>
/// <param name="IdentitySourceHeader">The header that carries the token (see <see cref="HeaderFromIdentitySource"/>).</param>
public sealed record CognitoAuthorizerSettings(
    string AuthorizerName,
    string Region,
    IReadOnlyList<string> UserPoolIds,
    IReadOnlySet<string> AppClientIds,
    string? IdentityValidationExpression,
    string IdentitySourceHeader = "Authorization")
{
    private const string IdentitySourceHeaderPrefix = "method.request.header.";

    /// <summary>
    /// The issuer Cognito writes into every token of a pool: <c>https://cognito-idp.{region}.amazonaws.com/{poolId}</c>
    /// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html).
    /// moto writes the same value.
    /// </summary>
    public string IssuerFor(string userPoolId) => $"https://cognito-idp.{Region}.amazonaws.com/{userPoolId}";

    /// <summary>
    /// Reads a <c>COGNITO_USER_POOLS</c> <c>AWS::ApiGateway::Authorizer</c>: its pools from <c>ProviderARNs</c>, its
    /// header from <c>IdentitySource</c> (default <c>method.request.header.Authorization</c>); a value API Gateway would
    /// reject is an <see cref="SecureLambda.CloudFormation.UnsupportedTemplateException"/> naming the authorizer and the property.
    /// https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html
    /// </summary>
    public static CognitoAuthorizerSettings FromTemplate(
        ResourceProperties authorizer, string region, Func<IReadOnlyList<string>, IReadOnlySet<string>> appClientsOfPools)
    {
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(appClientsOfPools);
        if (!authorizer.Has("ProviderARNs"))
        {
            throw authorizer.Unsupported("ProviderARNs", "is required: a COGNITO_USER_POOLS authorizer names its user pools.");
        }

        List<string> poolIds = [.. authorizer.StringList("ProviderARNs").Select((arn, index) => Read(() => PoolIdFromArn(arn), $"ProviderARNs[{index}]"))];
        var identitySource = authorizer.OptionalString("IdentitySource") ?? IdentitySourceHeaderPrefix + "Authorization";
        return new CognitoAuthorizerSettings(
            authorizer.OptionalString("Name") ?? authorizer.LogicalId,
            region,
            poolIds,
            appClientsOfPools(poolIds),
            authorizer.OptionalString("IdentityValidationExpression"),
            Read(() => HeaderFromIdentitySource(identitySource), "IdentitySource"));

        string Read(Func<string> parse, string property)
        {
            try
            {
                return parse();
            }
            catch (Exception error) when (error is FormatException or ArgumentException)
            {
                throw authorizer.Unsupported(property, error.Message);
            }
        }
    }

    /// <summary>
    /// The pool id of a <c>ProviderARNs</c> entry, <c>arn:aws:cognito-idp:{region}:{account}:userpool/{poolId}</c>
    /// (https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html, <c>providerARNs</c>).
    /// </summary>
    public static string PoolIdFromArn(string arn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(arn);
        var parts = arn.Split(':', 6);
        if (parts.Length == 6 && parts[0] == "arn" && parts[2] == "cognito-idp" &&
            parts[5].StartsWith("userpool/", StringComparison.Ordinal) && parts[5].Length > "userpool/".Length &&
            !parts[5].AsSpan("userpool/".Length).Contains('/'))
        {
            return parts[5]["userpool/".Length..];
        }

        throw new FormatException($"'{arn}' is not a Cognito user pool ARN (arn:aws:cognito-idp:{{region}}:{{account}}:userpool/{{poolId}}).");
    }

    /// <summary>
    /// The header name of an <c>IdentitySource</c> such as <c>method.request.header.Authorization</c>, the only form a
    /// <c>COGNITO_USER_POOLS</c> authorizer takes
    /// (https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html, <c>identitySource</c>).
    /// </summary>
    public static string HeaderFromIdentitySource(string identitySource)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identitySource);
        var trimmed = identitySource.Trim();
        if (trimmed.StartsWith(IdentitySourceHeaderPrefix, StringComparison.Ordinal) &&
            trimmed.Length > IdentitySourceHeaderPrefix.Length &&
            !trimmed.AsSpan(IdentitySourceHeaderPrefix.Length).ContainsAny(", "))
        {
            return trimmed[IdentitySourceHeaderPrefix.Length..];
        }

        throw new FormatException(
            $"'{identitySource}' is not an identity source a Cognito authorizer takes; expected method.request.header.{{Name}}.");
    }
}
