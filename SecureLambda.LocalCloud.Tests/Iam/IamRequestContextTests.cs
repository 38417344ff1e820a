using SecureLambda.LocalCloud.Iam;
using static SecureLambda.LocalCloud.Tests.Iam.IamFixtures;

namespace SecureLambda.LocalCloud.Tests.Iam;

/// <summary>The principal and the global condition keys. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html</summary>
public sealed class IamRequestContextTests
{
    [Fact]
    public void AssumedRole_ParsesAccountAndRoleName_DroppingThePath()
    {
        var principal = IamPrincipal.AssumedRole("arn:aws:iam::123456789012:role/service-role/dev-Fn", "session-1");

        Assert.Equal("arn:aws:sts::123456789012:assumed-role/dev-Fn/session-1", principal.Arn);
        Assert.Equal("123456789012", principal.Account);
        Assert.Equal(IamPrincipalType.AssumedRole, principal.Type);
        Assert.Equal("arn:aws:iam::123456789012:role/service-role/dev-Fn", principal.RoleArn);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:user/alice")]
    [InlineData("arn:aws:sts::123456789012:assumed-role/r/s")]
    [InlineData("arn:aws:iam::12345:role/r")]
    public void AssumedRole_RefusesWhatIsNotARoleArn(string arn) =>
        Assert.Throws<ArgumentException>(() => IamPrincipal.AssumedRole(arn, "s"));

    [Fact]
    public void PrincipalArn_OfASession_IsTheRoleArn()
    {
        // "For IAM roles, the request context returns the ARN of the role, not the ARN of the user that assumed the role."
        var context = IamRequestContext.For(External1, Now, secureTransport: true, Region);

        Assert.Equal([ExternalLambda1RoleArn], context["aws:PrincipalArn"]);
        Assert.Equal([Account], context["aws:PrincipalAccount"]);
        Assert.Equal(["AssumedRole"], context["aws:PrincipalType"]);
        Assert.Equal(["2026-12-02T12:00:00Z"], context["aws:CurrentTime"]);
        Assert.Equal(["1796212800"], context["aws:EpochTime"]);
        Assert.Equal(["true"], context["aws:SecureTransport"]);
        Assert.Equal([Region], context["aws:RequestedRegion"]);
        Assert.Equal(["true"], context["AWS:SECURETRANSPORT"]);
    }

    [Fact]
    public void ServicePrincipal_CarriesItsServiceName_AndNoPrincipalArn()
    {
        var context = IamRequestContext.For(IamPrincipal.Service("sns.amazonaws.com", Account), Now, secureTransport: true, Region,
            [new(IamRequestContext.SourceArn, TopicArn)]);

        Assert.Equal(["sns.amazonaws.com"], context["aws:PrincipalServiceName"]);
        Assert.Equal(["true"], context["aws:PrincipalIsAWSService"]);
        Assert.Equal([TopicArn], context["aws:SourceArn"]);
        Assert.False(context.ContainsKey("aws:PrincipalArn"));
    }

    [Fact]
    public void ExtraKeys_MayNotReplaceThePrincipalKeys() =>
        Assert.Throws<ArgumentException>(() => IamRequestContext.For(Internal, Now, secureTransport: true, Region,
            [new("aws:principalarn", ExternalLambda1RoleArn)]));

    [Fact]
    public void Request_WithCaseSensitiveContext_IsLookedUpIgnoringCase()
    {
        var request = new IamRequest(External1, "sns:Publish", TopicArn,
            new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["aws:securetransport"] = ["false"] });

        Assert.Equal(["false"], request.Context["aws:SecureTransport"]);
    }
}
