using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace SecureLambda.Functions.Greetings;

/// <summary>The outcome of reading a request body: a valid name, or what is wrong with the body.</summary>
public readonly record struct GreetingRequest(string? Name, string? Problem)
{
    public const int MaxNameLength = 128;

    public bool IsValid => Name is not null;

    /// <summary>
    /// The body must be a JSON object with a string <c>name</c> that, trimmed, has 1–128 characters (Unicode code
    /// points, as JSON Schema's <c>maxLength</c> counts them) and no control characters.
    /// </summary>
    public static GreetingRequest Parse(string? body, bool isBase64Encoded)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return Invalid("The request body is required: a JSON object with a string \"name\".");
        }

        byte[] utf8;
        if (isBase64Encoded)
        {
            utf8 = new byte[Base64.GetMaxDecodedFromUtf8Length(body.Length)];
            if (!Convert.TryFromBase64String(body, utf8, out var written))
            {
                return Invalid("The request body is marked base64-encoded but is not valid base64.");
            }

            utf8 = utf8[..written];
        }
        else
        {
            utf8 = Encoding.UTF8.GetBytes(body);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException)
        {
            return Invalid("The request body is not valid JSON.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Invalid("The request body must be a JSON object.");
            }

            if (!document.RootElement.TryGetProperty("name", out var name))
            {
                return Invalid("The field \"name\" is required.");
            }

            if (name.ValueKind != JsonValueKind.String)
            {
                return Invalid("The field \"name\" must be a string.");
            }

            string value;
            try
            {
                value = name.GetString()!;
            }
            catch (InvalidOperationException)
            {
                // A lone surrogate escape such as "\ud800" is valid JSON but not text.
                return Invalid("The field \"name\" must be valid Unicode text.");
            }

            return ValidateName(value);
        }
    }

    private static GreetingRequest ValidateName(string raw)
    {
        var name = raw.Trim();
        if (name.Length == 0)
        {
            return Invalid("The field \"name\" must not be empty.");
        }

        var length = 0;
        var remaining = name.AsSpan();
        while (!remaining.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(remaining, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return Invalid("The field \"name\" must be valid Unicode text.");
            }

            if (Rune.IsControl(rune))
            {
                return Invalid("The field \"name\" must not contain control characters.");
            }

            length++;
            remaining = remaining[consumed..];
        }

        return length > MaxNameLength
            ? Invalid($"The field \"name\" must be at most {MaxNameLength} characters.")
            : new GreetingRequest(name, null);
    }

    private static GreetingRequest Invalid(string problem) => new(null, problem);
}
