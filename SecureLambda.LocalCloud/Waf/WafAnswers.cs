namespace SecureLambda.LocalCloud.Waf;

/// <summary>
/// What the gateway answers when the web ACL blocks a request: API Gateway returns 403 with this body.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html
/// </summary>
public static class WafAnswers
{
    public const int ForbiddenStatusCode = 403;

    public const string ForbiddenBody = """{"message":"Forbidden"}""";
}
