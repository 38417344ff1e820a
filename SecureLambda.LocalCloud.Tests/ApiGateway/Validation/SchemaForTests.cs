using System.Text.Json.Nodes;
using SecureLambda.LocalCloud.ApiGateway.Validation;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.Validation;

/// <summary>
/// Model selection: the request's media type picks the model, <c>$default</c> catches the rest, a missing header counts
/// as application/json, and no match means no body validation.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
/// </summary>
public sealed class SchemaForTests
{
    private static readonly JsonSchema Json = JsonSchema.Parse(JsonNode.Parse("""{"type":"object"}""")!, "GreetingModel");
    private static readonly JsonSchema Xml = JsonSchema.Parse(JsonNode.Parse("""{"type":"string"}""")!, "GreetingModel");
    private static readonly JsonSchema Default = JsonSchema.Parse(JsonNode.Parse("""{"type":"array"}""")!, "GreetingModel");

    private static Dictionary<string, JsonSchema> Models(params (string ContentType, JsonSchema Schema)[] models) =>
        models.ToDictionary(m => m.ContentType, m => m.Schema, StringComparer.Ordinal);

    [Theory]
    [InlineData("application/json")]
    [InlineData("Application/JSON")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData(" application/json ;charset=UTF-8")]
    public void MatchesTheMediaType_IgnoringCaseAndParameters(string contentType) =>
        Assert.Same(Json, RequestBodyValidator.SchemaFor(Models(("application/json", Json), ("application/xml", Xml)), contentType));

    [Fact]
    public void PicksTheModelOfTheRequestsOwnType() =>
        Assert.Same(Xml, RequestBodyValidator.SchemaFor(Models(("application/json", Json), ("application/xml", Xml)), "application/xml"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void TreatsAMissingContentTypeAsApplicationJson(string? contentType) =>
        Assert.Same(Json, RequestBodyValidator.SchemaFor(Models(("application/xml", Xml), ("application/json", Json)), contentType));

    [Fact]
    public void ValidatesNothing_WhenNoModelMatches() =>
        Assert.Null(RequestBodyValidator.SchemaFor(Models(("application/json", Json)), "text/plain"));

    [Fact]
    public void ValidatesNothing_WhenTheMethodHasNoModels() =>
        Assert.Null(RequestBodyValidator.SchemaFor(Models(), "application/json"));

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public void FallsBackToDefault(string? contentType) =>
        Assert.Same(Default, RequestBodyValidator.SchemaFor(Models(("$default", Default), ("application/xml", Xml)), contentType));

    [Fact]
    public void PrefersTheExactTypeOverDefault() =>
        Assert.Same(Json, RequestBodyValidator.SchemaFor(Models(("$default", Default), ("application/json", Json)), "application/json"));

    [Fact]
    public void DoesNotTreatAPrefixAsAMatch() =>
        Assert.Null(RequestBodyValidator.SchemaFor(Models(("application/json", Json)), "application/json-patch+json"));
}
