using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Intrinsics;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

/// <summary>Attacks on the two user pools and their public app clients (issue 8, "Identity").</summary>
public sealed class IdentityPolicyTests
{
    private static readonly CloudFormationTemplate Template = SecureLambdaTemplate.Template;

    public static TheoryData<string> Pools => ["MyUserPool1", "MyUserPool2"];

    public static TheoryData<string> Clients => ["UserPool1Client", "UserPool2Client"];

    /// <summary>
    /// The client ids are public outputs, so with self sign-up allowed a stranger could SignUp, confirm and get an ID
    /// token that /lambda1 accepts. With AllowAdminCreateUserOnly AWS answers SignUp with NotAuthorizedException.
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-create-user-accounts.html
    /// </summary>
    [Theory]
    [MemberData(nameof(Pools))]
    public void MintAToken_BySigningUpAsAStranger_IsRefusedByThePool(string pool) =>
        Assert.Equal("true", (string?)Template.Resource(pool).Properties["AdminCreateUserConfig"]?["AllowAdminCreateUserOnly"]);

    /// <summary>
    /// A DeleteUserPool call (console, CLI, or a replacement) destroys every account, and passwords cannot be exported.
    /// Deletion protection refuses it; Retain keeps the pool when the stack goes.
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-deletion-protection.html
    /// </summary>
    [Theory]
    [MemberData(nameof(Pools))]
    public void DestroyEveryAccount_ByDeletingThePool_IsRefused(string pool)
    {
        var resource = Template.Resource(pool);

        Assert.Equal("ACTIVE", resource.Text("DeletionProtection"));
        Assert.Equal("Retain", (string?)resource.DeletionPolicy);
        Assert.Equal("Retain", (string?)resource.UpdateReplacePolicy);
    }

    /// <summary>
    /// MFA is optional with TOTP only: a user who enrolls an authenticator cannot be signed in with a stolen password
    /// alone, users without one still sign in as the seed's script does, and SMS (SIM swapping) is not offered.
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html
    /// </summary>
    [Theory]
    [MemberData(nameof(Pools))]
    public void SignInWithAStolenPassword_IsStoppedByTotp_ForUsersWhoEnrolled(string pool)
    {
        var resource = Template.Resource(pool);

        Assert.Equal("OPTIONAL", resource.Text("MfaConfiguration"));
        Assert.Equal(["SOFTWARE_TOKEN_MFA"], (resource.Properties["EnabledMfas"] as JsonArray ?? []).Select(item => (string?)item));
        Assert.Equal("12", (string?)resource.Properties["Policies"]?["PasswordPolicy"]?["MinimumLength"]);
    }

    /// <summary>
    /// SRP is offered so apps never send the password; USER_PASSWORD_AUTH stays for the seed's scripts. No custom
    /// challenge flow (which would run code we do not have) and no client secret (the client is public anyway).
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
    /// </summary>
    [Theory]
    [MemberData(nameof(Clients))]
    public void Client_OffersSrpAndPasswordSignIn_AndNothingElse(string client)
    {
        var flows = (Template.Resource(client).Properties["ExplicitAuthFlows"] as JsonArray ?? []).Select(item => (string?)item).ToList();

        Assert.Equal(
            ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"],
            flows.Order(StringComparer.Ordinal));
        Assert.Equal("false", Template.Resource(client).Text("GenerateSecret"));
    }

    /// <summary>
    /// Without PreventUserExistenceErrors, sign-in and password reset answer UserNotFoundException for an unknown
    /// e-mail, which lets a stranger list our users. ENABLED answers the same NotAuthorizedException either way.
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
    /// </summary>
    [Theory]
    [MemberData(nameof(Clients))]
    public void EnumerateUsers_ThroughSignInErrors_IsPrevented(string client) =>
        Assert.Equal("ENABLED", Template.Resource(client).Text("PreventUserExistenceErrors"));

    /// <summary>
    /// API Gateway's Cognito authorizer checks an ID token's signature and expiry only, so a stolen (or revoked)
    /// token opens the API until it expires: at most 15 minutes. A refresh token can be revoked, and lives a day.
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html
    /// </summary>
    [Theory]
    [MemberData(nameof(Clients))]
    public void ReplayAStolenToken_WorksForMinutesOnly(string client)
    {
        var resource = Template.Resource(client);

        Assert.Equal("minutes", (string?)resource.Properties["TokenValidityUnits"]?["IdToken"]);
        Assert.Equal("minutes", (string?)resource.Properties["TokenValidityUnits"]?["AccessToken"]);
        Assert.Equal("days", (string?)resource.Properties["TokenValidityUnits"]?["RefreshToken"]);
        Assert.Equal("15", resource.Text("IdTokenValidity"));
        Assert.Equal("15", resource.Text("AccessTokenValidity"));
        Assert.Equal("1", resource.Text("RefreshTokenValidity"));
        Assert.Equal("true", resource.Text("EnableTokenRevocation"));
    }
}
