using SecureLambda.LocalCloud.Hosting;

namespace SecureLambda.LocalCloud.Tests.Attacks;

/// <summary>Which of Kestrel's addresses count as loopback, for the loud warning on any other.</summary>
public sealed class ListeningAddressTests
{
    [Theory]
    [InlineData("http://localhost:4567", true)]
    [InlineData("http://127.0.0.1:4567", true)]
    [InlineData("http://127.0.0.2:4567", true)]
    [InlineData("http://[::1]:4567", true)]
    [InlineData("http://0.0.0.0:4567", false)]
    [InlineData("http://[::]:4567", false)]
    [InlineData("http://+:4567", false)]
    [InlineData("http://*:4567", false)]
    [InlineData("http://192.168.1.20:4567", false)]
    [InlineData("http://my-laptop:4567", false)]
    public void ExposeToTheNetwork_IsTold(string address, bool loopback) =>
        Assert.Equal(loopback, LoopbackHostingExtensions.IsLoopback(address));
}
