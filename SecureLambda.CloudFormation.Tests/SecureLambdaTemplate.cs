using SecureLambda.CloudFormation.Tests.Template;

namespace SecureLambda.CloudFormation.Tests;

/// <summary>The production template, as copied beside the test assembly by the project file.</summary>
public static class SecureLambdaTemplate
{
    public static string Path { get; } =
        System.IO.Path.Combine(AppContext.BaseDirectory, "cloudformation", "secure-lambda.yaml");

    private static readonly Lazy<TemplateDocument> Loaded = new(() => TemplateDocument.Load(Path));

    public static TemplateDocument Document => Loaded.Value;
}
