using System.Text.Json.Nodes;
using SecureLambda.LocalCloud.ApiGateway.Validation;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.Validation;

/// <summary>
/// Every supported draft 4 keyword with a passing and a failing body. Schemas are written as the template loader hands
/// them over (YAML scalars as strings) unless a case needs real JSON types.
/// </summary>
public sealed class KeywordTests
{
    private static bool Valid(string schema, string body) =>
        RequestBodyValidator.IsValid(JsonSchema.Parse(JsonNode.Parse(schema)!, "GreetingModel"), body, out _);

    [Theory]
    [InlineData("""{"type":"string"}""", "\"a\"", true)]
    [InlineData("""{"type":"string"}""", "1", false)]
    [InlineData("""{"type":"object"}""", "{}", true)]
    [InlineData("""{"type":"object"}""", "[]", false)]
    [InlineData("""{"type":"array"}""", "[]", true)]
    [InlineData("""{"type":"array"}""", "{}", false)]
    [InlineData("""{"type":"boolean"}""", "false", true)]
    [InlineData("""{"type":"boolean"}""", "\"true\"", false)]
    [InlineData("""{"type":"null"}""", "null", true)]
    [InlineData("""{"type":"null"}""", "0", false)]
    [InlineData("""{"type":"number"}""", "1.5", true)]
    [InlineData("""{"type":"number"}""", "1", true)]
    [InlineData("""{"type":"number"}""", "\"1\"", false)]
    [InlineData("""{"type":"integer"}""", "-3", true)]
    [InlineData("""{"type":"integer"}""", "1.5", false)]
    [InlineData("""{}""", "null", true)]
    [InlineData("""{}""", "[1]", true)]
    public void TypeAsAString(string schema, string body, bool valid) => Assert.Equal(valid, Valid(schema, body));

    [Theory]
    [InlineData("""{"type":["string","null"]}""", "\"a\"", true)]
    [InlineData("""{"type":["string","null"]}""", "null", true)]
    [InlineData("""{"type":["string","null"]}""", "1", false)]
    [InlineData("""{"type":["string",null]}""", "null", true)]
    [InlineData("""{"type":["string",null]}""", "true", false)]
    [InlineData("""{"type":["integer","boolean"]}""", "2.5", false)]
    [InlineData("""{"type":["integer","boolean"]}""", "2", true)]
    public void TypeAsAnArray(string schema, string body, bool valid) => Assert.Equal(valid, Valid(schema, body));

    /// <summary>
    /// Draft 4 core, section 3.5: an integer is "a JSON number without a fraction or exponent part", so 1.0 and 1e2
    /// are numbers but not integers (draft 6 later counted 1.0 as an integer).
    /// https://datatracker.ietf.org/doc/html/draft-zyp-json-schema-04#section-3.5
    /// </summary>
    [Theory]
    [InlineData("1", true)]
    [InlineData("0", true)]
    [InlineData("-0", true)]
    [InlineData("1.0", false)]
    [InlineData("1e2", false)]
    [InlineData("1E2", false)]
    public void IntegerMeansNoFractionOrExponent_AsDraft4Says(string body, bool valid) =>
        Assert.Equal(valid, Valid("""{"type":"integer"}""", body));

    [Theory]
    [InlineData("""{"a":{"b":"x"}}""", true)]
    [InlineData("""{"a":{"b":1}}""", false)]
    [InlineData("""{"a":{}}""", false)]
    [InlineData("""{"a":"b"}""", false)]
    public void NestedProperties(string body, bool valid) => Assert.Equal(valid, Valid(
        """{"properties":{"a":{"type":"object","required":["b"],"properties":{"b":{"type":"string"}}}}}""", body));

    [Fact]
    public void NamesTheNestedPathInTheReason()
    {
        var schema = JsonSchema.Parse(JsonNode.Parse(
            """{"properties":{"a":{"properties":{"b":{"items":{"type":"string"}}}}}}""")!, "GreetingModel");

        Assert.False(RequestBodyValidator.IsValid(schema, """{"a":{"b":["x",7]}}""", out var reason));
        Assert.Equal("a.b[1]: integer is not of type string", reason);
    }

    [Fact]
    public void PropertiesConstrainOnlyPresentMembers() =>
        Assert.True(Valid("""{"properties":{"a":{"type":"string"}}}""", """{"b":1}"""));

    [Theory]
    [InlineData("""{"a":1,"b":null}""", true)]
    [InlineData("""{"a":1}""", false)]
    [InlineData("[]", true)]
    public void Required_AppliesToObjectsOnly(string body, bool valid) =>
        Assert.Equal(valid, Valid("""{"required":["a","b"]}""", body));

    [Theory]
    [InlineData("\"false\"", """{"a":1}""", true)]
    [InlineData("\"false\"", """{"a":1,"b":2}""", false)]
    [InlineData("false", """{"a":1,"b":2}""", false)]
    [InlineData("\"true\"", """{"a":1,"b":2}""", true)]
    [InlineData("""{"type":"integer"}""", """{"a":"x","b":2}""", true)]
    [InlineData("""{"type":"integer"}""", """{"a":"x","b":"2"}""", false)]
    public void AdditionalProperties(string additional, string body, bool valid) =>
        Assert.Equal(valid, Valid($$$"""{"properties":{"a":{}},"additionalProperties":{{{additional}}}}""", body));

    [Theory]
    [InlineData("""{"minProperties":"1"}""", "{}", false)]
    [InlineData("""{"minProperties":"1"}""", """{"a":1}""", true)]
    [InlineData("""{"maxProperties":"1"}""", """{"a":1}""", true)]
    [InlineData("""{"maxProperties":1}""", """{"a":1,"b":2}""", false)]
    public void PropertyCounts(string schema, string body, bool valid) => Assert.Equal(valid, Valid(schema, body));

    [Theory]
    [InlineData("[1,2]", true)]
    [InlineData("[]", true)]
    [InlineData("""[1,"2"]""", false)]
    [InlineData("[1,2.5]", false)]
    public void Items(string body, bool valid) => Assert.Equal(valid, Valid("""{"items":{"type":"integer"}}""", body));

    [Theory]
    [InlineData("""{"minItems":"2"}""", "[1]", false)]
    [InlineData("""{"minItems":"2"}""", "[1,2]", true)]
    [InlineData("""{"maxItems":"1"}""", "[1]", true)]
    [InlineData("""{"maxItems":"1"}""", "[1,2]", false)]
    public void ItemCounts(string schema, string body, bool valid) => Assert.Equal(valid, Valid(schema, body));

    [Theory]
    [InlineData("[1,2]", true)]
    [InlineData("""["1",1]""", true)]
    [InlineData("[1,1]", false)]
    [InlineData("[1,1.0]", false)]
    [InlineData("""[{"a":1,"b":[2]},{"b":[2],"a":1}]""", false)]
    [InlineData("""[{"a":1},{"a":2}]""", true)]
    public void UniqueItems_ComparesJsonValues(string body, bool valid) =>
        Assert.Equal(valid, Valid("""{"uniqueItems":"true"}""", body));

    [Fact]
    public void UniqueItemsFalse_AllowsDuplicates() => Assert.True(Valid("""{"uniqueItems":"false"}""", "[1,1]"));

    [Theory]
    [InlineData("\"a\"", false)]
    [InlineData("\"ab\"", true)]
    [InlineData("\"😀\"", false)]
    [InlineData("\"😀😀\"", true)]
    [InlineData("\"\\ud83d\\ude00\\ud83d\\ude00\"", true)]
    public void MinLength_CountsCodePoints(string body, bool valid) => Assert.Equal(valid, Valid("""{"minLength":"2"}""", body));

    [Theory]
    [InlineData("\"ab\"", true)]
    [InlineData("\"abc\"", false)]
    [InlineData("\"😀😀\"", true)]
    [InlineData("\"😀😀😀\"", false)]
    public void MaxLength_CountsCodePoints(string body, bool valid) => Assert.Equal(valid, Valid("""{"maxLength":"2"}""", body));

    [Theory]
    [InlineData("""{"minLength":"5"}""", "1")]
    [InlineData("""{"pattern":"^a$"}""", "true")]
    [InlineData("""{"minimum":"5"}""", "\"1\"")]
    [InlineData("""{"minItems":"5"}""", "{}")]
    [InlineData("""{"minProperties":"5"}""", "[]")]
    public void KeywordsIgnoreValuesOfOtherTypes(string schema, string body) => Assert.True(Valid(schema, body));

    [Theory]
    [InlineData("b", "\"abc\"", true)]
    [InlineData("b", "\"xyz\"", false)]
    [InlineData("^[a-z]+$", "\"abc\"", true)]
    [InlineData("^[a-z]+$", "\"abC\"", false)]
    [InlineData("^\\\\d+$", "\"123\"", true)]
    [InlineData("^\\\\d+$", "\"١٢٣\"", false)]
    public void Pattern_IsUnanchoredEcma262(string pattern, string body, bool valid) =>
        Assert.Equal(valid, Valid($$"""{"pattern":"{{pattern}}"}""", body));

    [Fact]
    public void Pattern_RunsWithATimeout() =>
        Assert.Equal(JsonSchema.PatternTimeout, JsonSchema.Parse(JsonNode.Parse("""{"pattern":"a"}""")!, "GreetingModel").Pattern!.MatchTimeout);

    [Theory]
    [InlineData("1", true)]
    [InlineData("1.0", true)]
    [InlineData("\"a\"", true)]
    [InlineData("true", true)]
    [InlineData("null", true)]
    [InlineData("""{"k":[1]}""", true)]
    [InlineData("\"1\"", false)]
    [InlineData("false", false)]
    [InlineData("\"b\"", false)]
    [InlineData("""{"k":[2]}""", false)]
    public void EnumOfMixedTypes_ComparesExactly_WhenTheSchemaIsJsonText(string body, bool valid)
    {
        var schema = JsonSchema.Parse(JsonValue.Create("""{"enum":[1,"a",true,null,{"k":[1]}]}"""), "GreetingModel");

        Assert.Equal(valid, RequestBodyValidator.IsValid(schema, body, out _));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("\"1\"", true)]
    [InlineData("true", true)]
    [InlineData("\"a\"", true)]
    [InlineData("2", false)]
    [InlineData("false", false)]
    [InlineData("null", false)]
    public void EnumFromTheTemplate_MatchesScalarsItsLoaderTurnedIntoStrings(string body, bool valid) =>
        Assert.Equal(valid, Valid("""{"enum":["1","true","a"]}""", body));

    [Theory]
    [InlineData("""{"minimum":"5"}""", "5", true)]
    [InlineData("""{"minimum":"5"}""", "4.99", false)]
    [InlineData("""{"minimum":"5","exclusiveMinimum":"true"}""", "5", false)]
    [InlineData("""{"minimum":"5","exclusiveMinimum":true}""", "5.01", true)]
    [InlineData("""{"minimum":"5","exclusiveMinimum":"false"}""", "5", true)]
    [InlineData("""{"maximum":"5"}""", "5", true)]
    [InlineData("""{"maximum":"5"}""", "5.01", false)]
    [InlineData("""{"maximum":5,"exclusiveMaximum":"true"}""", "5", false)]
    [InlineData("""{"maximum":5,"exclusiveMaximum":"true"}""", "4.9", true)]
    [InlineData("""{"maximum":"9007199254740993"}""", "9007199254740994", false)]
    [InlineData("""{"maximum":"9007199254740993"}""", "9007199254740993", true)]
    public void Bounds(string schema, string body, bool valid) => Assert.Equal(valid, Valid(schema, body));

    [Theory]
    [InlineData("\"0.1\"", "0.3", true)]
    [InlineData("\"0.1\"", "0.35", false)]
    [InlineData("3", "9", true)]
    [InlineData("3", "10", false)]
    [InlineData("\"2\"", "1e400", false)]
    public void MultipleOf(string step, string body, bool valid) =>
        Assert.Equal(valid, Valid($$"""{"multipleOf":{{step}}}""", body));

    [Fact]
    public void ReasonsNameBoundsAsWritten()
    {
        var schema = JsonSchema.Parse(JsonNode.Parse("""{"maximum":"5","exclusiveMaximum":"true"}""")!, "GreetingModel");

        Assert.False(RequestBodyValidator.IsValid(schema, "5", out var reason));
        Assert.Equal("body: 5 is greater than or equal to exclusive maximum 5", reason);
    }
}
