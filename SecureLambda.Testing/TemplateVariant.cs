namespace SecureLambda.Testing;

/// <summary>
/// A variant of a template with one thing changed, written to a file of its own for a test run: what LocalCloud or the
/// AppHost runs instead (<c>LocalCloud:TemplatePath</c>), so that one template stays the only source of the stack.
/// </summary>
public static class TemplateVariant
{
    public static string Write(string templatePath, string name, Func<string, string> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var original = File.ReadAllText(templatePath);
        var variant = change(original);
        if (variant == original)
        {
            throw new InvalidOperationException($"The variant {name} changes nothing in {templatePath}.");
        }

        var path = Path.Combine(Path.GetTempPath(), $"secure-lambda-{name}-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, variant);
        return path;
    }

    /// <summary>The one occurrence of <paramref name="text"/>, replaced; a template that changed shape fails here, not later.</summary>
    public static string ReplaceOnce(this string template, string text, string replacement)
    {
        ArgumentNullException.ThrowIfNull(template);
        var at = template.IndexOf(text, StringComparison.Ordinal);
        if (at < 0 || template.IndexOf(text, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"The template holds not exactly one '{text}'.");
        }

        return string.Concat(template.AsSpan(0, at), replacement, template.AsSpan(at + text.Length));
    }
}
