using SecureLambda.LocalCloud.DataPlane;

namespace SecureLambda.LocalCloud.Tests.Lambda;

/// <summary>Function definitions the tests share: the template's ExternalLambda1 with its 10 s timeout and no other settings.</summary>
internal static class TestFunctions
{
    public static readonly LambdaFunctionDefinition ExternalLambda1 =
        new("ExternalLambda1", "secure-lambda-ExternalLambda1", "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-ExternalLambda1", TimeSpan.FromSeconds(10));
}
