using System.Text.Json.Nodes;

namespace SecureLambda.CloudFormation.Tests;

/// <summary>The production template, as copied beside the test assembly by the project file, read by the library.</summary>
public static class SecureLambdaTemplate
{
    public static string Path { get; } =
        System.IO.Path.Combine(AppContext.BaseDirectory, "cloudformation", "secure-lambda.yaml");

    private static readonly Lazy<CloudFormationTemplate> Loaded = new(() => CloudFormationTemplate.Load(Path));

    public static CloudFormationTemplate Template => Loaded.Value;
}

/// <summary>Templates written inline by the tests that prove each policy check catches its violation.</summary>
public static class PolicyTemplate
{
    public static CloudFormationTemplate Parse(string yaml) => CloudFormationTemplate.Parse(yaml, "policy-test.yaml");

    /// <summary>The property's string value, or null when it is absent or an intrinsic function.</summary>
    public static string? Text(this TemplateResource resource, string property) =>
        resource.Properties[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
