namespace SecureLambda.AppHost.Hosting;

/// <summary>
/// The names Program.cs gives; the template's resources and functions are named from their logical ids
/// (<see cref="StackFunctions.ResourceName"/>), the dev users' parameters by
/// <see cref="LocalCloudStackExtensions.DevUserPasswordParameter"/>.
/// </summary>
public static class ResourceNames
{
    public const string Engine = "aws";
    public const string CognitoEngine = "cognito";
    public const string LocalCloud = "localcloud";
    public const string Stack = "secure-lambda";
    public const string LocalStackAuthToken = "localstack-auth-token";
}
