using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Options;

namespace SecureLambda.LocalCloud.AwsEndpoint;

/// <summary>Options of the AWS endpoint (section <c>LocalCloud:AwsEndpoint</c>).</summary>
public sealed class AwsEndpointOptions
{
    public const string Section = "LocalCloud:AwsEndpoint";

    /// <summary>The stack's AWS endpoint, <c>http://localhost:4566</c>, as every local AWS tool expects it.</summary>
    public const int DefaultPort = 4566;

    /// <summary>The port LocalCloud serves the AWS endpoint on; its other ports serve the API and the Runtime API.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 65535)]
    public int Port { get; set; } = DefaultPort;
}

/// <summary>Marks an endpoint as the AWS endpoint's (the Lambda API, the forwarding to the engine).</summary>
public sealed class AwsEndpointMetadata
{
    public static readonly AwsEndpointMetadata Instance = new();
}

/// <summary>
/// Keeps the two hosts apart, as AWS does (<c>lambda.{region}.amazonaws.com</c> and <c>{api}.execute-api…</c> are
/// different hosts): on the AWS endpoint's port only the endpoints marked <see cref="AwsEndpointMetadata"/> match, and
/// on every other port only the others. So the API's invoke URL never reaches the engine, and the AWS endpoint never
/// serves a stage.
/// </summary>
public sealed class AwsEndpointMatcherPolicy(IOptions<AwsEndpointOptions> options) : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => true;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(candidates);
        var onAwsEndpoint = IsAwsEndpoint(httpContext, options.Value);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i)
                && (candidates[i].Endpoint.Metadata.GetMetadata<AwsEndpointMetadata>() is not null) != onAwsEndpoint)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }

    public static bool IsAwsEndpoint(HttpContext context, AwsEndpointOptions options) =>
        context.Connection.LocalPort == options.Port;
}
