using System.Text;
using System.Text.Json.Nodes;
using SecureLambda.Functions.Runtime;

namespace SecureLambda.Functions.Tests.Events;

/// <summary>The documented event shapes (API Gateway proxy 1.0, SNS), with the parts a test cares about replaced.</summary>
internal static class TestEvents
{
    public static JsonObject ProxyEvent(string? body, string? callerClaim = "e9df23eb-ed2f-463c-9441-b2c8e5979ad2", bool isBase64Encoded = false)
    {
        var proxy = Load("apigateway-proxy-lambda1.json");
        proxy["body"] = body;
        proxy["isBase64Encoded"] = isBase64Encoded;
        var claims = proxy["requestContext"]!["authorizer"]!["claims"]!.AsObject();
        if (callerClaim is null)
        {
            claims.Remove("cognito:username");
        }
        else
        {
            claims["cognito:username"] = callerClaim;
        }

        return proxy;
    }

    public static JsonObject SnsEvent(params string[] messages)
    {
        var template = Load("sns-greeting.json");
        var record = template["Records"]![0]!;
        var records = new JsonArray();
        foreach (var (message, index) in messages.Select((m, i) => (m, i)))
        {
            var copy = record.DeepClone();
            copy["Sns"]!["Message"] = message;
            copy["Sns"]!["MessageId"] = $"message-{index + 1}";
            records.Add(copy);
        }

        template["Records"] = records;
        return template;
    }

    public static LambdaInvocation Invocation(JsonNode @event, DateTimeOffset? deadline = null, string? traceId = null) => new(
        "request-1",
        deadline ?? DateTimeOffset.UtcNow.AddMinutes(1),
        "arn:aws:lambda:us-east-1:123456789012:function:test",
        traceId,
        Encoding.UTF8.GetBytes(@event.ToJsonString()));

    private static JsonObject Load(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Events", file)))!.AsObject();
}
