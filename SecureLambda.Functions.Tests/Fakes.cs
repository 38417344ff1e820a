using System.Net;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Sns;

namespace SecureLambda.Functions.Tests;

/// <summary>A Secrets Manager that holds secrets in memory and counts the reads.</summary>
internal sealed class FakeSecretsManager : ISecretsManagerClient
{
    public Dictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);

    public Exception? FailWith { get; set; }

    public int Reads { get; private set; }

    public Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken = default)
    {
        Reads++;
        if (FailWith is not null)
        {
            throw FailWith;
        }

        return Secrets.TryGetValue(secretId, out var secret)
            ? Task.FromResult(secret)
            : throw new AwsServiceException("SecretsManager", "ResourceNotFoundException", "Secrets Manager can't find the specified secret.", HttpStatusCode.BadRequest, "req-1");
    }
}

/// <summary>An SNS that records what was published.</summary>
internal sealed class FakeSns : ISnsClient
{
    public List<SnsPublishRequest> Published { get; } = [];

    public Exception? FailWith { get; set; }

    public Task<string> PublishAsync(SnsPublishRequest request, CancellationToken cancellationToken = default)
    {
        if (FailWith is not null)
        {
            throw FailWith;
        }

        Published.Add(request);
        return Task.FromResult(Guid.NewGuid().ToString());
    }
}
