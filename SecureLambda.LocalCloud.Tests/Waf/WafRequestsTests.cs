using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.Tests.Waf;

/// <summary>WAF inspects the URI path and query string as sent, still encoded; a server's normalised path would hide
/// an encoded traversal from GenericLFI_URIPATH.</summary>
public sealed class WafRequestsTests
{
    [Fact]
    public void HandsWafTheRawTarget_SplitIntoPathAndQuery_WithMethodHeadersAndBody()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/development/lambda1";
        context.Request.Headers.UserAgent = "curl/8";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/development/%2e%2e/lambda1?file=..%2Fx&y=1";

        var request = WafRequests.FromHttp(context, IPAddress.Loopback, [1, 2, 3]);

        Assert.Equal(("POST", "/development/%2e%2e/lambda1", "file=..%2Fx&y=1"), (request.Method, request.UriPath, request.QueryString));
        Assert.Equal("curl/8", request.Headers["user-agent"]);
        Assert.Equal([1, 2, 3], request.Body.ToArray());
    }

    [Fact]
    public void FallsBackToPathAndQuery_WithoutARawTarget()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/development/lambda1";
        context.Request.QueryString = new QueryString("?a=b");
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "";

        var request = WafRequests.FromHttp(context, IPAddress.Loopback, []);

        Assert.Equal(("/development/lambda1", "a=b"), (request.UriPath, request.QueryString));
    }
}
