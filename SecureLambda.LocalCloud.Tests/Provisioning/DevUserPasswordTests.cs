using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Tests.Provisioning;

public sealed class DevUserPasswordTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(40)]
    public void StrongPassword_SatisfiesEveryCognitoPasswordClass(int minimumLength)
    {
        var password = DevUserProvisioner.StrongPassword(minimumLength);

        Assert.True(password.Length >= Math.Max(20, minimumLength));
        Assert.Contains(password, char.IsUpper);
        Assert.Contains(password, char.IsLower);
        Assert.Contains(password, char.IsDigit);
        Assert.Contains(password, c => !char.IsLetterOrDigit(c));
    }

    [Fact]
    public void StrongPassword_NeverHoldsACharacterThatBreaksTheCliShorthandOrAJsonString()
    {
        // `aws cognito-idp initiate-auth --auth-parameters USERNAME=u,PASSWORD=p` splits on ',' and '='; the README's
        // curl sign-in puts the password inside a JSON string, where '"' and '\\' would need escaping.
        for (var i = 0; i < 500; i++)
        {
            var password = DevUserProvisioner.StrongPassword(20);
            Assert.DoesNotContain(password, c => c is ',' or '=' or '"' or '\\' or '\'' or '$' or '`' or ' ');
        }

        Assert.DoesNotContain(DevUserProvisioner.Symbols, c => c is ',' or '=');
    }

    [Fact]
    public void EffectiveDevUsers_PasswordForUserZeroOnly_KeepsBothDefaultUsers()
    {
        var options = new StackProvisioningOptions();
        options.DevUsers.Add(new DevUserOptions { Password = "x" });

        var users = options.EffectiveDevUsers();

        Assert.Equal(["user1@example.com", "user2@example.com"], users.Select(user => user.Email));
        Assert.Equal(["MyUserPool1", "MyUserPool2"], users.Select(user => user.UserPool));
        Assert.Equal(["x", null], users.Select(user => user.Password));
    }
}
