using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.ApiGateway.Validation;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.Validation;

/// <summary>The template's <c>GreetingRequestModel</c>, read from the real template with its scalars as strings.</summary>
public sealed class GreetingModelTests
{
    private static readonly JsonSchema Greeting = JsonSchema.Parse(TemplateSchema(), "GreetingModel");

    private static JsonNode TemplateSchema()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "cloudformation", "secure-lambda.yaml");
        var model = CloudFormationTemplate.Load(path).Resources["GreetingRequestModel"];
        return model.Properties["Schema"]!.DeepClone();
    }

    private static bool Valid(string? body) => RequestBodyValidator.IsValid(Greeting, body, out _);

    [Fact]
    public void TheTemplateHandsOverScalarsAsStrings()
    {
        var schema = TemplateSchema();

        Assert.Equal("\"1\"", schema["properties"]!["name"]!["minLength"]!.ToJsonString());
        Assert.Equal("\"object\"", schema["type"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"name":"Ada"}""")]
    [InlineData("""{"name":"Ada","extra":true}""")]
    [InlineData("""  {"name" : "A"}  """)]
    public void Accepts(string body) => Assert.True(Valid(body));

    [Fact]
    public void AcceptsA128CodePointNameIncludingEmoji()
    {
        var name = string.Concat(Enumerable.Repeat("😀", 64)) + new string('a', 64);
        Assert.Equal(192, name.Length);

        Assert.True(Valid(new JsonObject { ["name"] = name }.ToJsonString()));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"Name":"Ada"}""")]
    [InlineData("""{"name":5}""")]
    [InlineData("""{"name":null}""")]
    [InlineData("""{"name":""}""")]
    [InlineData("""[{"name":"Ada"}]""")]
    [InlineData("null")]
    [InlineData("\"Ada\"")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("{\"name\":\"Ada\"")]
    [InlineData("""{"name":"Ada"} {"name":"Bob"}""")]
    [InlineData("""{'name':'Ada'}""")]
    public void Rejects(string? body) => Assert.False(Valid(body));

    [Fact]
    public void RejectsA129CharacterName_WithAReasonForTheLogs()
    {
        var body = new JsonObject { ["name"] = new string('a', 129) }.ToJsonString();

        Assert.False(RequestBodyValidator.IsValid(Greeting, body, out var reason));
        Assert.Equal("name: string length 129 is greater than maxLength 128", reason);
    }

    [Fact]
    public void RejectsA129CodePointEmojiName()
    {
        var body = new JsonObject { ["name"] = string.Concat(Enumerable.Repeat("😀", 129)) }.ToJsonString();

        Assert.False(Valid(body));
    }

    [Fact]
    public void GivesNoReason_WhenTheBodyIsValid()
    {
        Assert.True(RequestBodyValidator.IsValid(Greeting, """{"name":"Ada"}""", out var reason));
        Assert.Null(reason);
    }

    [Theory]
    [InlineData("{}", "body: required property 'name' is missing")]
    [InlineData("""{"name":null}""", "name: null is not of type string")]
    [InlineData("[]", "body: array is not of type object")]
    [InlineData("", "body: empty, not a JSON document")]
    public void ExplainsTheFailure(string body, string expected)
    {
        Assert.False(RequestBodyValidator.IsValid(Greeting, body, out var reason));
        Assert.Equal(expected, reason);
    }

    [Fact]
    public void ReportsInvalidJsonAsSuch()
    {
        Assert.False(RequestBodyValidator.IsValid(Greeting, "{", out var reason));
        Assert.StartsWith("body: not valid JSON", reason, StringComparison.Ordinal);
    }
}
