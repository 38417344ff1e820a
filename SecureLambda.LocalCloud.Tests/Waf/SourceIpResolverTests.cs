using System.Net;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.Tests.Waf;

public sealed class SourceIpResolverTests
{
    private static readonly IPAddress Connection = IPAddress.Parse("192.0.2.50");

    [Fact]
    public void IgnoresXForwardedFor_WhenNotTrusted()
    {
        var resolver = new SourceIpResolver(trustForwardedFor: false);

        Assert.Equal(Connection, resolver.Resolve(Connection, "203.0.113.9"));
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData(" 203.0.113.9 , 10.0.0.1, 10.0.0.2", "203.0.113.9")]
    [InlineData("2001:db8::7, 10.0.0.1", "2001:db8::7")]
    [InlineData("[2001:db8::7]", "2001:db8::7")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    public void UsesTheFirstXForwardedForEntry_WhenTrusted(string header, string expected)
    {
        var resolver = new SourceIpResolver(trustForwardedFor: true);

        Assert.Equal(IPAddress.Parse(expected), resolver.Resolve(Connection, header));
    }

    [Theory]
    [InlineData("")]
    [InlineData("unknown")]
    [InlineData("203.0.113.9:8080")]
    [InlineData("1")]
    [InlineData("999.1.1.1, 10.0.0.1")]
    [InlineData(", 10.0.0.1")]
    public void FallsBackToTheConnection_WhenXForwardedForIsMalformed(string header)
    {
        var resolver = new SourceIpResolver(trustForwardedFor: true);

        Assert.Equal(Connection, resolver.Resolve(Connection, header));
    }

    [Fact]
    public void ReadsXForwardedForInAnyCase_FromHeaders()
    {
        var resolver = new SourceIpResolver(trustForwardedFor: true);
        var headers = new Dictionary<string, string> { ["x-forwarded-for"] = "203.0.113.9" };

        Assert.Equal(IPAddress.Parse("203.0.113.9"), resolver.Resolve(Connection, headers));
    }

    [Fact]
    public void ReportsIpv4MappedConnection_AsIpv4()
    {
        var resolver = new SourceIpResolver(trustForwardedFor: false);

        Assert.Equal(IPAddress.Parse("192.0.2.50"), resolver.Resolve(IPAddress.Parse("::ffff:192.0.2.50"), (string?)null));
    }
}
