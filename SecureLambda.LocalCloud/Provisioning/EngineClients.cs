using System.Text.Json.Nodes;
using Amazon.SQS;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Protocols;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// The engine's service APIs as the provisioners call them: our own JSON 1.1 and Query clients for the services whose
/// SDK packages are not served here, AWSSDK.SQS for SQS. Endpoints come from <c>AWS_ENDPOINT_URL[_SERVICE]</c> through
/// <see cref="AwsClientContext"/>.
/// </summary>
public sealed class EngineClients : IDisposable
{
    public EngineClients(HttpClient http, AwsClientContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        Cognito = new AwsJsonProtocolClient(http, context, AwsServiceDescriptor.CognitoIdentityProvider, "AWSCognitoIdentityProviderService");
        SecretsManager = new AwsJsonProtocolClient(http, context, AwsServiceDescriptor.SecretsManager, "secretsmanager");
        Sns = new AwsQueryProtocolClient(http, context, AwsServiceDescriptor.Sns, "2010-03-31");
        Sqs = EngineSqs.Create(context);
    }

    public AwsClientContext Context { get; }

    public AwsJsonProtocolClient Cognito { get; }

    public AwsJsonProtocolClient SecretsManager { get; }

    public AwsQueryProtocolClient Sns { get; }

    public IAmazonSQS Sqs { get; }

    public void Dispose() => Sqs.Dispose();

    /// <summary>
    /// Pages through a Cognito list operation (<c>ListUserPools</c>, <c>ListUserPoolClients</c>) and returns the first
    /// entry of <paramref name="listName"/> that matches, or null.
    /// </summary>
    public async Task<JsonNode?> FindInCognitoListAsync(
        string operation, JsonObject request, string listName, Func<JsonNode, bool> match, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? nextToken = null;
        do
        {
            var pageRequest = (JsonObject)request.DeepClone();
            pageRequest["MaxResults"] = 60;
            if (nextToken is not null)
            {
                pageRequest["NextToken"] = nextToken;
            }

            var page = await Cognito.CallAsync(operation, pageRequest, cancellationToken);
            if (page[listName]?.AsArray().FirstOrDefault(entry => entry is not null && match(entry)) is { } found)
            {
                return found;
            }

            nextToken = (string?)page["NextToken"];
        }
        while (nextToken is not null);

        return null;
    }
}
