using System.Text;
using SecureLambda.Functions.Greetings;

namespace SecureLambda.Functions.Tests.Greetings;

public sealed class GreetingRequestTests
{
    [Theory]
    [InlineData("{\"name\":\"Ada\"}", "Ada")]
    [InlineData("{\"name\":\"  Ada Lovelace \\t\"}", "Ada Lovelace")]
    [InlineData("{\"name\":\"Zoë\",\"extra\":1}", "Zoë")]
    [InlineData("{\"name\":\"\\u00c9mile\"}", "Émile")]
    public void Accepts_ObjectWithStringName_AndTrimsIt(string body, string expected)
    {
        var request = GreetingRequest.Parse(body, isBase64Encoded: false);

        Assert.True(request.IsValid);
        Assert.Equal(expected, request.Name);
        Assert.Null(request.Problem);
    }

    [Theory]
    [InlineData(null, "The request body is required: a JSON object with a string \"name\".")]
    [InlineData("", "The request body is required: a JSON object with a string \"name\".")]
    [InlineData("   ", "The request body is required: a JSON object with a string \"name\".")]
    [InlineData("name=Ada", "The request body is not valid JSON.")]
    [InlineData("{\"name\":\"Ada\"", "The request body is not valid JSON.")]
    [InlineData("{\"name\":\"Ada\",\"name\":\"Bob\"}", "The request body is not valid JSON.")]
    [InlineData("[\"Ada\"]", "The request body must be a JSON object.")]
    [InlineData("\"Ada\"", "The request body must be a JSON object.")]
    [InlineData("null", "The request body must be a JSON object.")]
    [InlineData("{}", "The field \"name\" is required.")]
    [InlineData("{\"Name\":\"Ada\"}", "The field \"name\" is required.")]
    [InlineData("{\"name\":null}", "The field \"name\" must be a string.")]
    [InlineData("{\"name\":42}", "The field \"name\" must be a string.")]
    [InlineData("{\"name\":{\"first\":\"Ada\"}}", "The field \"name\" must be a string.")]
    [InlineData("{\"name\":\"\"}", "The field \"name\" must not be empty.")]
    [InlineData("{\"name\":\"   \"}", "The field \"name\" must not be empty.")]
    [InlineData("{\"name\":\"Ada\\nBob\"}", "The field \"name\" must not contain control characters.")]
    [InlineData("{\"name\":\"Ada\\u0000\"}", "The field \"name\" must not contain control characters.")]
    [InlineData("{\"name\":\"Ada\\u007f\"}", "The field \"name\" must not contain control characters.")]
    [InlineData("{\"name\":\"Ada\\u0085Bob\"}", "The field \"name\" must not contain control characters.")]
    [InlineData("{\"name\":\"Ada\\ud800\"}", "The field \"name\" must be valid Unicode text.")]
    public void Rejects_BadBodies_WithWhatIsWrong(string? body, string problem)
    {
        var request = GreetingRequest.Parse(body, isBase64Encoded: false);

        Assert.False(request.IsValid);
        Assert.Null(request.Name);
        Assert.Equal(problem, request.Problem);
    }

    [Fact]
    public void Accepts_128Characters_AndRejects129()
    {
        Assert.True(GreetingRequest.Parse(Body(new string('a', 128)), false).IsValid);

        var tooLong = GreetingRequest.Parse(Body(new string('a', 129)), false);
        Assert.Equal("The field \"name\" must be at most 128 characters.", tooLong.Problem);
    }

    [Fact]
    public void CountsCodePoints_NotUtf16Units_AsJsonSchemaMaxLengthDoes()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 128));
        Assert.Equal(256, emoji.Length);

        Assert.True(GreetingRequest.Parse(Body(emoji), false).IsValid);
        Assert.False(GreetingRequest.Parse(Body(emoji + "😀"), false).IsValid);
    }

    [Fact]
    public void LengthIsMeasured_AfterTrimming()
    {
        var request = GreetingRequest.Parse(Body("  " + new string('a', 128) + "  "), false);

        Assert.True(request.IsValid);
        Assert.Equal(128, request.Name!.Length);
    }

    [Fact]
    public void DecodesBase64Bodies_WhenTheGatewayMarksThemSo()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"name\":\"Ada\"}"));

        Assert.Equal("Ada", GreetingRequest.Parse(encoded, isBase64Encoded: true).Name);
    }

    [Fact]
    public void Rejects_InvalidBase64_WhenMarkedBase64()
    {
        var request = GreetingRequest.Parse("{not base64}", isBase64Encoded: true);

        Assert.Equal("The request body is marked base64-encoded but is not valid base64.", request.Problem);
    }

    private static string Body(string name) => $"{{\"name\":\"{name}\"}}";
}
