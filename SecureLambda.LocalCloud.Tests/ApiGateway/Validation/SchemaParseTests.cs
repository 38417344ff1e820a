using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.ApiGateway.Validation;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.Validation;

public sealed class SchemaParseTests
{
    private const string GreetingText =
        """{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":128}},"required":["name"]}""";

    [Fact]
    public void ReadsASchemaGivenAsJsonText()
    {
        var schema = JsonSchema.Parse(JsonValue.Create(GreetingText), "GreetingModel");

        Assert.True(RequestBodyValidator.IsValid(schema, """{"name":"Ada"}""", out _));
        Assert.False(RequestBodyValidator.IsValid(schema, """{"name":""}""", out _));
        Assert.False(RequestBodyValidator.IsValid(schema, "{}", out _));
    }

    [Fact]
    public void ReadsNumbersAndBooleansFromEitherForm()
    {
        var asStrings = JsonSchema.Parse(JsonNode.Parse(
            """{"minLength":"1","maxItems":"2","uniqueItems":"True","minimum":"0.5","exclusiveMinimum":"true"}""")!, "GreetingModel");
        var asJson = JsonSchema.Parse(JsonNode.Parse(
            """{"minLength":1,"maxItems":2.0,"uniqueItems":true,"minimum":0.5,"exclusiveMinimum":true}""")!, "GreetingModel");

        foreach (var schema in new[] { asStrings, asJson })
        {
            Assert.Equal(1, schema.MinLength);
            Assert.Equal(2, schema.MaxItems);
            Assert.True(schema.UniqueItems);
            Assert.Equal(0.5m, schema.Minimum!.Value.Exact);
            Assert.True(schema.ExclusiveMinimum);
        }
    }

    [Theory]
    [InlineData("$ref", "\"#/definitions/x\"")]
    [InlineData("allOf", "[{}]")]
    [InlineData("anyOf", "[{}]")]
    [InlineData("oneOf", "[{}]")]
    [InlineData("not", "{}")]
    [InlineData("dependencies", """{"a":["b"]}""")]
    [InlineData("patternProperties", """{"^x":{}}""")]
    [InlineData("additionalItems", "false")]
    [InlineData("format", "\"email\"")]
    [InlineData("minlength", "\"1\"")]
    public void RefusesAKeywordItDoesNotEvaluate_NamingIt(string keyword, string value)
    {
        var schema = JsonNode.Parse("""{"type":"object","properties":{"name":{"type":"string",""" + $"\"{keyword}\":{value}" + "}}}")!;

        var error = Assert.Throws<UnsupportedTemplateException>(() => JsonSchema.Parse(schema, "GreetingModel"));

        Assert.Equal(("GreetingModel", "AWS::ApiGateway::Model"), (error.LogicalId, error.ResourceType));
        Assert.StartsWith($"JSON Schema keyword '{keyword}' at", error.Reason, StringComparison.Ordinal);
        Assert.Contains($"'{keyword}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("#/properties/name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesUnsupportedKeywords_InSchemaText() =>
        Assert.StartsWith("JSON Schema keyword 'anyOf' at", Assert.Throws<UnsupportedTemplateException>(
            () => JsonSchema.Parse(JsonValue.Create("""{"anyOf":[{"type":"string"}]}"""), "GreetingModel")).Reason, StringComparison.Ordinal);

    [Fact]
    public void RefusesTupleItems() =>
        Assert.StartsWith("JSON Schema keyword 'items' at", Assert.Throws<UnsupportedTemplateException>(
            () => JsonSchema.Parse(JsonNode.Parse("""{"items":[{"type":"string"}]}""")!, "GreetingModel")).Reason, StringComparison.Ordinal);

    [Fact]
    public void IgnoresAnnotations()
    {
        var schema = JsonSchema.Parse(JsonNode.Parse(
            """{"$schema":"http://json-schema.org/draft-04/schema#","id":"x","title":"T","description":"D","default":5,"type":"string"}""")!, "GreetingModel");

        Assert.True(RequestBodyValidator.IsValid(schema, "\"a\"", out _));
        Assert.False(RequestBodyValidator.IsValid(schema, "5", out _));
    }

    [Theory]
    [InlineData("""{"minLength":"one"}""")]
    [InlineData("""{"minLength":"-1"}""")]
    [InlineData("""{"maxItems":"1.5"}""")]
    [InlineData("""{"uniqueItems":"yes"}""")]
    [InlineData("""{"type":"text"}""")]
    [InlineData("""{"type":[]}""")]
    [InlineData("""{"enum":[]}""")]
    [InlineData("""{"pattern":"("}""")]
    [InlineData("""{"multipleOf":"0"}""")]
    [InlineData("""{"exclusiveMinimum":"true"}""")]
    [InlineData("""{"required":"name"}""")]
    [InlineData("""{"properties":{"a":"string"}}""")]
    public void RefusesMalformedValues(string schema) =>
        Assert.Throws<UnsupportedTemplateException>(() => JsonSchema.Parse(JsonNode.Parse(schema)!, "GreetingModel"));

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    public void RefusesSchemaTextThatIsNotAJsonObject(string text) =>
        Assert.Throws<UnsupportedTemplateException>(() => JsonSchema.Parse(JsonValue.Create(text), "GreetingModel"));

    [Fact]
    public void RefusesASchemaThatIsNeitherObjectNorString() =>
        Assert.Throws<UnsupportedTemplateException>(() => JsonSchema.Parse(JsonValue.Create(5), "GreetingModel"));
}
