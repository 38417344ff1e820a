using System.Diagnostics;
using SecureLambda.Aws.Tracing;

namespace SecureLambda.Aws.Tests.Tracing;

public sealed class XRayTraceHeaderTests
{
    [Fact]
    public void ReadsRootParentAndSampled_AsAW3CContext()
    {
        Assert.True(XRayTraceHeader.TryParse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1", out var context));

        Assert.Equal("5759e988bd862e3fe1be46a994272793", context.TraceId.ToHexString());
        Assert.Equal("53995c3f42cd8ad8", context.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
        Assert.True(context.IsRemote);
    }

    [Fact]
    public void FormatsBackToTheSameHeader()
    {
        const string header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0";

        Assert.True(XRayTraceHeader.TryParse(header, out var context));
        Assert.Equal(header, XRayTraceHeader.Format(context));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Parent=53995c3f42cd8ad8;Sampled=1")]
    [InlineData("Root=2-5759e988-bd862e3fe1be46a994272793")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a99427279")]
    [InlineData("Root=1-5759e988-zz862e3fe1be46a994272793")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=xyz")]
    public void RejectsHeadersThatAreNotXRay(string? header)
    {
        Assert.False(XRayTraceHeader.TryParse(header, out _));
    }
}
