using System.Text.Json;
using SecureLambda.LocalCloud.AwsEndpoint;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.Cognito;

/// <summary>
/// What Cognito decides from the stack's settings and moto 5.2.1 does not, enforced on the AWS endpoint. Checked against
/// moto's code (<c>moto/cognitoidp/models.py</c>):
/// <list type="bullet">
/// <item>its <c>SignUp</c> never reads <c>AllowAdminCreateUserOnly</c>;</item>
/// <item>its sign-in answers an unknown user with <c>UserNotFoundException</c> whatever the client's
/// <c>PreventUserExistenceErrors</c>;</item>
/// <item>its <c>ConfirmForgotPassword</c> and <c>ConfirmSignUp</c> take any code that does not start with
/// <c>moto-confirmation-code:</c> as valid, and it hands the real code out in an <c>x-moto-…</c> response header, so
/// anyone could reset any user's password. LocalCloud strips the header (<see cref="AwsEndpoint.EngineForwarder"/>) and,
/// since no code is ever delivered locally, refuses every code (its own six digits could be guessed: moto sets no
/// attempt limit).</item>
/// </list>
/// Its MFA follows the pool's OPTIONAL setting; ON is refused at start (CognitoUserPoolProvisioner).
/// </summary>
public static class CognitoGuard
{
    /// <summary>The sign-in calls that, with <c>PreventUserExistenceErrors</c> ENABLED, answer an unknown user as a wrong password.</summary>
    private static readonly HashSet<string> AuthenticationOperations = new(StringComparer.Ordinal)
    {
        "InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge",
    };

    /// <summary>The recovery and confirmation calls that, with it ENABLED, answer an unknown user as a wrong code.</summary>
    private static readonly HashSet<string> ConfirmationOperations = new(StringComparer.Ordinal)
    {
        "ConfirmForgotPassword", "ConfirmSignUp",
    };

    /// <summary>The calls that, with it ENABLED, answer every user as if a code went to their (masked) address.</summary>
    private static readonly HashSet<string> DeliveryOperations = new(StringComparer.Ordinal)
    {
        "ForgotPassword", "ResendConfirmationCode",
    };

    /// <summary>
    /// The refusal of a call the pool does not permit, before the engine sees it: <c>SignUp</c> on a pool with
    /// <c>AllowAdminCreateUserOnly</c> is <c>NotAuthorizedException</c>, "SignUp is not permitted for this user pool"
    /// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html); a confirmation code is
    /// <c>CodeMismatchException</c>, as Cognito answers a wrong code, since none was ever delivered to be right
    /// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmForgotPassword.html).
    /// </summary>
    public static AwsError? Refusal(AwsServiceCall call, CognitoRules rules, Func<string, string?> parameter)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(parameter);
        return call.Operation switch
        {
            "SignUp" when rules.FindClient(parameter("ClientId")) is { Pool.AllowAdminCreateUserOnly: true } =>
                new AwsError(400, "NotAuthorizedException", "SignUp is not permitted for this user pool"),
            "ConfirmForgotPassword" or "ConfirmSignUp" =>
                new AwsError(400, "CodeMismatchException", "Invalid verification code provided, please try again."),
            _ => null,
        };
    }

    /// <summary>
    /// A public (unsigned) call to a pool with a web ACL, evaluated as AWS WAF evaluates requests to the pool; a block is
    /// Cognito's <c>ForbiddenException</c> (403), "Request not allowed due to WAF block."
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-waf.html,
    /// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html#API_InitiateAuth_Errors
    /// </summary>
    public static AwsError? WafBlock(AwsServiceCall call, CognitoRules rules, Func<string, string?> parameter, Func<WafRequest> request)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(request);
        return call.Operation is { } operation
            && AwsEndpointHandler.UnsignedCognitoOperations.Contains(operation)
            && rules.FindClient(parameter("ClientId")) is { Pool.WebAcl: { } webAcl }
            && webAcl.Evaluate(request()).Action == WafAction.Block
                ? new AwsError(403, "ForbiddenException", "Request not allowed due to WAF block.")
                : null;
    }

    /// <summary>Whether a response header is the engine's own (<c>x-moto-…</c>, such as the reset code it leaks), never AWS's.</summary>
    public static bool IsEngineHeader(string name) => name.StartsWith("x-moto-", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// For a client with <c>PreventUserExistenceErrors</c> ENABLED, how the engine's answer is given instead, as Cognito
    /// gives it, so that no answer tells a user who exists from one who does not: <c>UserNotFoundException</c> as a wrong
    /// password or a wrong code, and a code delivery always to the username masked alike (moto writes a real user's
    /// masked e-mail, but <c>name@h***.com</c> for one it does not have). Null when the call's answers need no change.
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
    /// </summary>
    public static Func<EngineAnswer, EngineAnswer?>? UserExistenceRewrite(AwsServiceCall call, CognitoRules rules, Func<string, string?> parameter)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(parameter);
        if (call.Operation is not { } operation || rules.FindClient(parameter("ClientId")) is not { PreventUserExistenceErrors: true })
        {
            return null;
        }

        if (DeliveryOperations.Contains(operation))
        {
            var delivery = SimulatedDelivery(parameter("Username") ?? string.Empty);
            return engine => engine.StatusCode == 200 ? delivery : null;
        }

        EngineAnswer? answer = AuthenticationOperations.Contains(operation) ? Error(400, "NotAuthorizedException", "Incorrect username or password.")
            : ConfirmationOperations.Contains(operation) ? Error(400, "CodeMismatchException", "Invalid verification code provided, please try again.")
            : null;
        return answer is null ? null : engine => engine.ErrorType == "UserNotFoundException" ? answer : null;
    }

    /// <summary>
    /// "A code was sent" to the username masked as Cognito masks an address (<c>a***@e***</c>), whoever the user: the
    /// pools sign in by e-mail (<c>UsernameAttributes</c>), so a real user's address masks the same.
    /// </summary>
    private static EngineAnswer SimulatedDelivery(string username)
    {
        var at = username.IndexOf('@', StringComparison.Ordinal);
        var destination = at > 0 && at < username.Length - 1 ? $"{username[0]}***@{username[at + 1]}***" : "***";
        return new(200, null, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, Dictionary<string, string>>
        {
            ["CodeDeliveryDetails"] = new() { ["Destination"] = destination, ["DeliveryMedium"] = "EMAIL", ["AttributeName"] = "email" },
        }));
    }

    private static EngineAnswer Error(int status, string code, string message) =>
        new(status, code, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["__type"] = code, ["message"] = message }));
}

/// <summary>An answer of the engine, or one LocalCloud gives in its place: status, error type (<c>x-amzn-ErrorType</c>, null for none) and JSON body.</summary>
public sealed record EngineAnswer(int StatusCode, string? ErrorType, byte[] Body);
