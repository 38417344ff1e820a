namespace SecureLambda.AppHost;

/// <summary>The Aspire resource names, in one place: the dashboard, the tests and the commands use them.</summary>
public static class ResourceNames
{
    public const string Engine = "aws";
    public const string CognitoEngine = "cognito";
    public const string LocalCloud = "localcloud";
    public const string ExternalLambda1 = "external-lambda-1";
    public const string ExternalLambda2 = "external-lambda-2";
    public const string InternalLambda = "internal-lambda";
    public const string User1Password = "user1-password";
    public const string User2Password = "user2-password";
    public const string LocalStackAuthToken = "localstack-auth-token";
}
