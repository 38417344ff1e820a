using SecureLambda.Aws.Signing;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Hosting;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Lambda;

namespace SecureLambda.LocalCloud.AwsEndpoint;

/// <summary>
/// A function's role session calling Lambda's own API on the AWS endpoint (Invoke, GetFunctionConfiguration): verified
/// like every call of a function, then decided by its role's policies on the target function's ARN, as
/// <c>lambda:InvokeFunction</c> and <c>lambda:GetFunctionConfiguration</c> are. The account's credentials go on to the
/// API's own check. https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html
/// </summary>
internal static class LambdaApiAuthorization
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var request = context.Request;
        var services = context.RequestServices;
        var callers = services.GetRequiredService<AwsCallers>();
        IReadOnlyList<string> Header(string name) => request.Headers[name].OfType<string>().ToList();
        var accessKeyId = AwsCallers.AccessKeyIdOf(Header, name => request.Query[name].FirstOrDefault());
        if (!callers.IsFunctionKey(accessKeyId))
        {
            return await next(invocation);
        }

        var invoke = HttpMethods.IsPost(request.Method);
        var call = new AwsServiceCall(AwsServiceCall.Lambda, invoke ? "Invoke" : "GetFunctionConfiguration", AwsProtocol.RestJson);
        if (await RequestBodies.ReadAsync(request, InvokeApiEndpoints.MaxSyncPayloadBytes, context.RequestAborted) is not { } body)
        {
            await AwsErrors.WriteAsync(context, call, new AwsError(413, "RequestTooLargeException", $"Request must be smaller than {InvokeApiEndpoints.MaxSyncPayloadBytes} bytes for the InvokeFunction operation"));
            return Results.Empty;
        }

        request.Body = new MemoryStream(body, writable: false);
        var caller = callers.Identify(new SigV4Request(request.Method, RequestTargets.Raw(context), Header, body), accessKeyId, AwsServiceCall.Lambda);
        if (caller is AwsCaller.Refused refused)
        {
            await AwsErrors.WriteAsync(context, call, AwsErrors.Authentication(call, refused.Outcome, refused.Message));
            return Results.Empty;
        }

        var role = (AwsCaller.FunctionRole)caller;
        var model = await services.GetRequiredService<DataPlaneState>().WaitAsync(context.RequestAborted);
        var named = Uri.UnescapeDataString((string)request.RouteValues["function"]!);
        if (await services.GetRequiredService<LambdaFunctions>().FindAsync(named, context.RequestAborted) is { } function)
        {
            var self = model.Function(role.FunctionLogicalId);
            var verdict = services.GetRequiredService<IamAuthorizer>().Authorize(
                model, self, new IamTarget(invoke ? "lambda:InvokeFunction" : "lambda:GetFunctionConfiguration", function.Definition.Arn), AwsEndpointHandler.IsSecureTransport(context));
            if (!verdict.IsAllowed)
            {
                await AwsErrors.WriteAsync(context, call, AwsErrors.AccessDenied(call, verdict.DeniedMessage!));
                return Results.Empty;
            }
        }

        // An unknown function is the API's own 404, for a caller whose signature holds.
        context.Items[InvokeApiEndpoints.VerifiedCallerItem] = true;
        return await next(invocation);
    }
}
