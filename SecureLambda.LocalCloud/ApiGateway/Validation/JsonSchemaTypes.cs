namespace SecureLambda.LocalCloud.ApiGateway.Validation;

/// <summary>The seven primitive types of JSON Schema draft 4 (core, section 3.5); a <c>type</c> array is their union.</summary>
// The members are the JSON Schema type names, not CLR type names.
#pragma warning disable CA1720
[Flags]
public enum JsonSchemaTypes
{
    None = 0,
    Object = 1,
    Array = 2,
    String = 4,
    Number = 8,
    Integer = 16,
    Boolean = 32,
    Null = 64,
}
#pragma warning restore CA1720
