using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace SecureLambda.CloudFormation.Intrinsics;

/// <summary>
/// Replaces every intrinsic function in a template value by its value against a <see cref="StackState"/>.
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
/// </summary>
public static class IntrinsicResolver
{
    // Fn::If yields this for Ref AWS::NoValue; the walk drops the property or list element that holds it.
    private static readonly JsonValue NoValue = JsonValue.Create("AWS::NoValue");

    /// <summary>
    /// Returns a new tree with every intrinsic resolved. <paramref name="logicalId"/> names the resource in error
    /// messages; a text with a space in it (<c>output ApiUrl</c>) is used as it is. A value that resolves to
    /// <c>AWS::NoValue</c> returns null.
    /// </summary>
    public static JsonNode? Resolve(JsonNode? node, StackState state, string? logicalId = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var result = new Walker(state, logicalId).Walk(node);
        return ReferenceEquals(result, NoValue) ? null : result;
    }

    /// <summary>
    /// True when the object is an intrinsic function call: one key that is <c>Ref</c>, <c>Fn::*</c>, or
    /// <c>Condition</c> naming a condition.
    /// </summary>
    internal static bool IsIntrinsic(JsonObject value, out string name, out JsonNode? argument)
    {
        name = string.Empty;
        argument = null;
        if (value.Count != 1)
        {
            return false;
        }

        var (key, arg) = value.First();
        if (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal)
            || (key == "Condition" && arg is JsonValue condition && condition.TryGetValue<string>(out _)))
        {
            name = key;
            argument = arg;
            return true;
        }

        return false;
    }

    internal static bool? AsBoolean(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value when value.TryGetValue<string>(out var text) && bool.TryParse(text, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>The parts of a Fn::Sub string: literal text, and variable names from <c>${Name}</c>.</summary>
    internal static IEnumerable<(bool IsVariable, string Text)> ParseSub(string template)
    {
        var literal = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf("${", i, StringComparison.Ordinal);
            var close = open < 0 ? -1 : template.IndexOf('}', open + 2);
            if (close < 0)
            {
                literal.Append(template, i, template.Length - i);
                break;
            }

            literal.Append(template, i, open - i);
            var name = template[(open + 2)..close];
            if (name.StartsWith('!'))
            {
                // ${!Literal} writes ${Literal}.
                literal.Append("${").Append(name, 1, name.Length - 1).Append('}');
            }
            else
            {
                if (literal.Length > 0)
                {
                    yield return (false, literal.ToString());
                    literal.Clear();
                }

                yield return (true, name.Trim());
            }

            i = close + 1;
        }

        if (literal.Length > 0)
        {
            yield return (false, literal.ToString());
        }
    }

    private sealed class Walker(StackState state, string? logicalId)
    {
        private string Where => logicalId is null ? "the template" : logicalId.Contains(' ', StringComparison.Ordinal)
            ? logicalId
            : $"resource {logicalId}";

        public JsonNode? Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj when IsIntrinsic(obj, out var name, out var argument):
                    return Call(name, argument);
                case JsonObject obj:
                    var resultObject = new JsonObject();
                    foreach (var (key, value) in obj)
                    {
                        var resolved = Walk(value);
                        if (!ReferenceEquals(resolved, NoValue))
                        {
                            resultObject[key] = resolved;
                        }
                    }

                    return resultObject;
                case JsonArray array:
                    var resultArray = new JsonArray();
                    foreach (var item in array)
                    {
                        var resolved = Walk(item);
                        if (!ReferenceEquals(resolved, NoValue))
                        {
                            resultArray.Add(resolved);
                        }
                    }

                    return resultArray;
                default:
                    return node?.DeepClone();
            }
        }

        private JsonNode? Call(string name, JsonNode? argument) => name switch
        {
            "Ref" => Ref(String(argument, name)),
            "Condition" => JsonValue.Create(state.EvaluateCondition(String(argument, name))),
            "Fn::GetAtt" => GetAtt(argument),
            "Fn::Sub" => Sub(argument),
            "Fn::Join" => Join(argument),
            "Fn::Select" => Select(argument),
            "Fn::Split" => Split(argument),
            "Fn::If" => If(argument),
            "Fn::Equals" => AreEqual(argument),
            "Fn::Not" => JsonValue.Create(!Boolean(Arguments(argument, name, 1, 1)[0], name)),
            "Fn::And" => JsonValue.Create(Arguments(argument, name, 2, 10).All(item => Boolean(item, name))),
            "Fn::Or" => JsonValue.Create(Arguments(argument, name, 2, 10).Any(item => Boolean(item, name))),
            "Fn::FindInMap" => FindInMap(argument),
            "Fn::Base64" => JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(String(Walk(argument), name)))),
            "Fn::GetAZs" => GetAZs(argument),
            _ => throw new TemplateException($"LocalCloud does not support {name} in {Where}."),
        };

        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html
        private JsonNode Ref(string name)
        {
            switch (name)
            {
                case "AWS::Region":
                    return JsonValue.Create(state.Settings.Region);
                case "AWS::AccountId":
                    return JsonValue.Create(state.Settings.AccountId);
                case "AWS::StackName":
                    return JsonValue.Create(state.Settings.StackName);
                case "AWS::StackId":
                    return JsonValue.Create(state.StackId);
                case "AWS::Partition":
                    return JsonValue.Create(state.Partition);
                case "AWS::URLSuffix":
                    return JsonValue.Create(state.UrlSuffix);
                case "AWS::NotificationARNs":
                    return new JsonArray();
                case "AWS::NoValue":
                    return NoValue;
            }

            if (state.ParameterValues.TryGetValue(name, out var parameter))
            {
                return parameter.DeepClone();
            }

            if (state.Template.Resources.ContainsKey(name))
            {
                return state.IsProvisioned(name)
                    ? JsonValue.Create(state.GetPhysicalId(name))
                    : throw new TemplateException($"Ref to resource {name} in {Where} before {name} is provisioned.");
            }

            throw new TemplateException($"Ref to {name} in {Where} names no parameter, pseudo parameter or resource.");
        }

        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html
        private JsonNode GetAtt(JsonNode? argument)
        {
            string resource, attribute;
            if (argument is JsonArray { Count: 2 } pair)
            {
                resource = String(Walk(pair[0]), "Fn::GetAtt");
                attribute = String(Walk(pair[1]), "Fn::GetAtt");
            }
            else
            {
                (resource, attribute) = SplitAttribute(String(argument, "Fn::GetAtt"));
            }

            return Attribute(resource, attribute);
        }

        private JsonNode Attribute(string resource, string attribute)
        {
            if (!state.Template.Resources.ContainsKey(resource))
            {
                throw new TemplateException($"Fn::GetAtt {resource}.{attribute} in {Where} names no resource.");
            }

            if (!state.IsProvisioned(resource))
            {
                throw new TemplateException(
                    $"Fn::GetAtt {resource}.{attribute} in {Where} before {resource} is provisioned.");
            }

            try
            {
                return state.GetAttribute(resource, attribute);
            }
            catch (TemplateException ex)
            {
                throw new TemplateException($"Fn::GetAtt {resource}.{attribute} in {Where}: {ex.Message}", ex);
            }
        }

        private (string Resource, string Attribute) SplitAttribute(string text)
        {
            // Attribute names may contain dots (Endpoint.Address); logical ids never do.
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && dot < text.Length - 1
                ? (text[..dot], text[(dot + 1)..])
                : throw new TemplateException($"Fn::GetAtt {text} in {Where} is not of the form LogicalId.Attribute.");
        }

        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html
        private JsonValue Sub(JsonNode? argument)
        {
            string template;
            var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            if (argument is JsonArray array)
            {
                if (array.Count is < 1 or > 2)
                {
                    throw new TemplateException($"Fn::Sub in {Where} takes a string or [string, {{variables}}].");
                }

                template = String(array[0], "Fn::Sub");
                if (array.Count == 2)
                {
                    if (array[1] is not JsonObject map || IsIntrinsic(map, out _, out _))
                    {
                        throw new TemplateException($"The variable map of Fn::Sub in {Where} must be a mapping.");
                    }

                    foreach (var (key, value) in map)
                    {
                        variables[key] = Walk(value);
                    }
                }
            }
            else
            {
                template = String(argument, "Fn::Sub");
            }

            var result = new StringBuilder();
            foreach (var (isVariable, text) in ParseSub(template))
            {
                if (!isVariable)
                {
                    result.Append(text);
                    continue;
                }

                var value = variables.TryGetValue(text, out var given) ? given
                    : text.Contains('.', StringComparison.Ordinal) ? SubAttribute(text)
                    : Ref(text);
                result.Append(Scalar(value, $"${{{text}}} in Fn::Sub"));
            }

            return JsonValue.Create(result.ToString());
        }

        private JsonNode SubAttribute(string text)
        {
            var (resource, attribute) = SplitAttribute(text);
            return Attribute(resource, attribute);
        }

        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-join.html
        private JsonValue Join(JsonNode? argument)
        {
            var args = Arguments(argument, "Fn::Join", 2, 2);
            var delimiter = String(args[0], "Fn::Join");
            var items = args[1] as JsonArray
                ?? throw new TemplateException($"The second argument of Fn::Join in {Where} must be a list.");
            return JsonValue.Create(string.Join(delimiter, items.Select(item => Scalar(item, "Fn::Join"))));
        }

        private JsonNode? Select(JsonNode? argument)
        {
            var args = Arguments(argument, "Fn::Select", 2, 2);
            var indexText = Scalar(args[0], "Fn::Select");
            var items = args[1] as JsonArray
                ?? throw new TemplateException($"The second argument of Fn::Select in {Where} must be a list.");
            return int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < items.Count
                ? items[index]?.DeepClone()
                : throw new TemplateException(
                    $"Fn::Select index {indexText} in {Where} is out of range for a list of {items.Count}.");
        }

        private JsonArray Split(JsonNode? argument)
        {
            var args = Arguments(argument, "Fn::Split", 2, 2);
            var delimiter = String(args[0], "Fn::Split");
            var source = String(args[1], "Fn::Split");
            return [.. source.Split(delimiter).Select(part => (JsonNode)JsonValue.Create(part))];
        }

        // Only the chosen branch is resolved, so the other may name resources this stack skips.
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html
        private JsonNode? If(JsonNode? argument)
        {
            if (argument is not JsonArray { Count: 3 } args)
            {
                throw new TemplateException($"Fn::If in {Where} takes [condition, value if true, value if false].");
            }

            var condition = String(args[0], "Fn::If");
            return Walk(state.EvaluateCondition(condition) ? args[1] : args[2]);
        }

        private JsonValue AreEqual(JsonNode? argument)
        {
            var args = Arguments(argument, "Fn::Equals", 2, 2);
            return JsonValue.Create(JsonNode.DeepEquals(args[0], args[1]));
        }

        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-findinmap.html
        private JsonNode? FindInMap(JsonNode? argument)
        {
            var args = Arguments(argument, "Fn::FindInMap", 3, 4);
            var map = String(args[0], "Fn::FindInMap");
            var top = String(args[1], "Fn::FindInMap");
            var second = String(args[2], "Fn::FindInMap");
            if (state.Template.Mappings[map] is JsonObject mapping
                && mapping[top] is JsonObject level
                && level.TryGetPropertyValue(second, out var value))
            {
                return value?.DeepClone();
            }

            if (args.Count == 4)
            {
                return args[3] is JsonObject options && options.TryGetPropertyValue("DefaultValue", out var fallback)
                    ? fallback?.DeepClone()
                    : throw new TemplateException($"The fourth argument of Fn::FindInMap in {Where} must be {{DefaultValue: ...}}.");
            }

            throw new TemplateException($"Fn::FindInMap in {Where}: mapping {map} has no {top}.{second}.");
        }

        private JsonArray GetAZs(JsonNode? argument)
        {
            var region = Walk(argument) is JsonValue value && value.TryGetValue<string>(out var given) && given.Length > 0
                ? given
                : state.Settings.Region;
            return [JsonValue.Create(region + "a"), JsonValue.Create(region + "b"), JsonValue.Create(region + "c")];
        }

        private List<JsonNode?> Arguments(JsonNode? argument, string name, int min, int max)
        {
            var resolved = argument is JsonArray array ? Walk(array) as JsonArray : null;
            return resolved is not null && resolved.Count >= min && resolved.Count <= max
                ? [.. resolved]
                : throw new TemplateException(
                    $"{name} in {Where} takes a list of {(min == max ? $"{min}" : $"{min} to {max}")} arguments.");
        }

        private bool Boolean(JsonNode? node, string name) =>
            AsBoolean(node) ?? throw new TemplateException($"An argument of {name} in {Where} is not a condition.");

        private string String(JsonNode? node, string name)
        {
            var resolved = node is JsonObject ? Walk(node) : node;
            return resolved is JsonValue value && value.TryGetValue<string>(out var text) && !ReferenceEquals(value, NoValue)
                ? text
                : throw new TemplateException($"{name} in {Where} expects a string, not {resolved?.ToJsonString() ?? "null"}.");
        }

        private string Scalar(JsonNode? node, string context) => node switch
        {
            JsonValue value when ReferenceEquals(value, NoValue) =>
                throw new TemplateException($"{context} in {Where} resolves to AWS::NoValue."),
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            JsonValue value => value.ToJsonString(),
            _ => throw new TemplateException($"{context} in {Where} resolves to {node?.ToJsonString() ?? "null"}, not a string."),
        };
    }
}
