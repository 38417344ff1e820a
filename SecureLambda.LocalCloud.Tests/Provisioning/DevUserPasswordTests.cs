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
