using SecureLambda.Aws.Core;
using SecureLambda.Testing;

namespace SecureLambda.Aws.Tests.Support;

/// <summary>Client contexts for moto, built exactly as the Lambda function builds its own: from environment variables.</summary>
public static class MotoClients
{
    public static AwsClientContext Context(MotoServer server)
    {
        var environment = server.ClientEnvironment;
        return AwsClientContext.FromEnvironment(environment.GetValueOrDefault);
    }
}
