namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>A matched route: the method, its resource path and the path parameters taken from the request path.</summary>
public sealed record RouteMatch(GatewayMethod Method, IReadOnlyDictionary<string, string> PathParameters);

/// <summary>
/// Matches a request path against the API's resources the way API Gateway does: literal segments before
/// <c>{param}</c> segments before a greedy <c>{proxy+}</c>; a method of <c>ANY</c> serves every verb the resource does not
/// name. https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-request.html
/// </summary>
public sealed class RouteTable(IReadOnlyList<GatewayResource> resources)
{
    private readonly List<(GatewayResource Resource, string[] Segments)> _resources =
        [.. resources.Select(r => (r, r.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)))];

    /// <summary>The method for a path (without the stage) and a verb, or null: API Gateway then answers 403 Missing Authentication Token.</summary>
    public RouteMatch? Match(string path, string httpMethod)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        (GatewayResource Resource, Dictionary<string, string> Parameters, int Score)? best = null;
        foreach (var (resource, pattern) in _resources)
        {
            if (TryMatch(pattern, segments) is not { } match)
            {
                continue;
            }

            if (best is null || match.Score > best.Value.Score)
            {
                best = (resource, match.Parameters, match.Score);
            }
        }

        if (best is not { } found)
        {
            return null;
        }

        var methods = found.Resource.Methods;
        var method = methods.GetValueOrDefault(httpMethod.ToUpperInvariant()) ?? methods.GetValueOrDefault("ANY");
        return method is null ? null : new RouteMatch(method, found.Parameters);
    }

    /// <summary>Scores a match so that, segment by segment, literal beats parameter beats greedy.</summary>
    private static (Dictionary<string, string> Parameters, int Score)? TryMatch(string[] pattern, string[] segments)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var score = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var part = pattern[i];
            if (part.StartsWith('{') && part.EndsWith("+}", StringComparison.Ordinal))
            {
                if (i != pattern.Length - 1 || segments.Length <= i)
                {
                    return null;
                }

                parameters[part[1..^2]] = string.Join('/', segments[i..].Select(Uri.UnescapeDataString));
                return (parameters, score * 3 + 0);
            }

            if (i >= segments.Length)
            {
                return null;
            }

            if (part.StartsWith('{') && part.EndsWith('}'))
            {
                parameters[part[1..^1]] = Uri.UnescapeDataString(segments[i]);
                score = score * 3 + 1;
            }
            else if (string.Equals(part, segments[i], StringComparison.Ordinal))
            {
                score = score * 3 + 2;
            }
            else
            {
                return null;
            }
        }

        return pattern.Length == segments.Length ? (parameters, score) : null;
    }
}
