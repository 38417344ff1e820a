using SecureLambda.Aws.Core;
using SecureLambda.Aws.Signing;

namespace SecureLambda.Testing;

/// <summary>
/// Signs every request with SigV4, as the AWS CLI and SDKs do, for tests that call LocalCloud's AWS APIs over a plain
/// <see cref="HttpClient"/>. By default with the credentials the AWS CLI gets in the tests (<see cref="AwsCli.Environment"/>).
/// </summary>
public sealed class SigV4SigningHandler(AwsCredentials? credentials = null, string service = "lambda", string region = MotoServer.Region, TimeProvider? clock = null)
    : DelegatingHandler(new HttpClientHandler())
{
    public static AwsCredentials TestCredentials { get; } = new(MotoServer.AccessKeyId, MotoServer.SecretAccessKey);

    /// <summary>A client whose requests are signed, for <paramref name="address"/>.</summary>
    public static HttpClient Client(Uri address, AwsCredentials? credentials = null) =>
        new(new SigV4SigningHandler(credentials)) { BaseAddress = address };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        SigV4Signer.Sign(request, body, credentials ?? TestCredentials, region, service, (clock ?? TimeProvider.System).GetUtcNow());
        return await base.SendAsync(request, cancellationToken);
    }
}
