using System.Collections.Specialized;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using SecureLambda.Aws.Signing;
using SecureLambda.LocalCloud.ApiGateway.ControlPlane;
using SecureLambda.LocalCloud.Cognito;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Diagnostics;
using SecureLambda.LocalCloud.Faults;
using SecureLambda.LocalCloud.Hosting;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Sns;
using SecureLambda.LocalCloud.Waf;
using Yarp.ReverseProxy.Forwarder;

namespace SecureLambda.LocalCloud.AwsEndpoint;

/// <summary>
/// The AWS endpoint's front door for everything LocalCloud does not serve itself: it names the call
/// (<see cref="AwsRequestClassifier"/>), tells who signed it (<see cref="AwsCallers"/>), refuses what AWS would refuse
/// before a service sees it (a bad signature, a missing one, a call the caller's role may not make:
/// <see cref="IamAuthorizer"/>; a call the user pool does not permit: <see cref="CognitoGuard"/>), applies the fault
/// rules to what is left (<see cref="FaultInjector"/>: a delay, an error in the service's own protocol), and hands the
/// rest to the engine unchanged (<see cref="EngineForwarder"/>), but for API Gateway's reads, which LocalCloud answers
/// from the stack it serves (<see cref="ApiGatewayControlPlane"/>).
/// </summary>
public sealed partial class AwsEndpointHandler(
    AwsCallers callers,
    DataPlaneState dataPlane,
    IamAuthorizer iam,
    EngineForwarder forwarder,
    FaultInjector faults,
    ApiGatewayControlPlane apiGateway,
    SnsLambdaDelivery snsLambda,
    ILogger<AwsEndpointHandler> logger)
{
    /// <summary>The largest body read whole, to verify a function's signature or find a Query call's operation.</summary>
    public const int MaxVerifiedBodyBytes = 10 * 1024 * 1024;

    /// <summary>
    /// The Cognito user pool operations that AWS serves without a SigV4 signature (the service model's
    /// <c>authtype: none</c>): sign-up, sign-in and what a user does with their own tokens.
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pools-API-operations.html
    /// </summary>
    public static readonly IReadOnlySet<string> UnsignedCognitoOperations = new HashSet<string>(StringComparer.Ordinal)
    {
        "AssociateSoftwareToken", "ChangePassword", "CompleteWebAuthnRegistration", "ConfirmDevice", "ConfirmForgotPassword",
        "ConfirmSignUp", "DeleteUser", "DeleteUserAttributes", "DeleteWebAuthnCredential", "ForgetDevice", "ForgotPassword",
        "GetDevice", "GetTokensFromRefreshToken", "GetUser", "GetUserAttributeVerificationCode", "GetUserAuthFactors",
        "GlobalSignOut", "InitiateAuth", "ListDevices", "ListWebAuthnCredentials", "ResendConfirmationCode",
        "RespondToAuthChallenge", "RevokeToken", "SetUserMFAPreference", "SetUserSettings", "SignUp",
        "StartWebAuthnRegistration", "UpdateAuthEventFeedback", "UpdateDeviceStatus", "UpdateUserAttributes",
        "VerifySoftwareToken", "VerifyUserAttribute",
    };

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        IReadOnlyList<string> Header(string name) => request.Headers[name].OfType<string>().ToList();
        string? Query(string name) => request.Query[name].FirstOrDefault();
        var call = AwsRequestClassifier.Classify(request.Method, request.Path.Value ?? "/", Header, Query);
        var accessKeyId = AwsCallers.AccessKeyIdOf(Header, Query);

        // A function's request is read whole to verify its signature, a Query call's to find its operation, and a
        // Cognito call's for the pool's rules; the rest streams through, as large as the engine takes (an S3 upload).
        var body = ReadOnlyMemory<byte>.Empty;
        if (callers.IsFunctionKey(accessKeyId) || call is { Protocol: AwsProtocol.Query, Operation: null } || call.Service == AwsServiceCall.CognitoIdentityProvider)
        {
            if (await RequestBodies.ReadAsync(request, MaxVerifiedBodyBytes, context.RequestAborted) is not { } read)
            {
                await AwsErrors.WriteAsync(context, call, new AwsError(413, "RequestEntityTooLarge", $"Request must be smaller than {MaxVerifiedBodyBytes} bytes."));
                return;
            }

            body = read;
            request.Body = new MemoryStream(read, writable: false);
            call = AwsRequestClassifier.WithFormOperation(call, read);
        }
        else if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var caller = callers.Identify(new SigV4Request(request.Method, RequestTargets.Raw(context), Header, body), accessKeyId, call.Service);

        // One span per call, named by it (the server span is named by the catch-all route): its caller, IAM's decision,
        // the pool's refusals and any fault are its attributes and events.
        using var activity = LocalCloudTelemetry.Source.StartActivity(call.ToString(), ActivityKind.Internal);
        Annotate(activity, call, caller);
        var fields = call.Protocol == AwsProtocol.Query ? QueryFields(request, body) : null;
        var parameters = ParametersOf(call, request, body, fields);
        switch (caller)
        {
            case AwsCaller.Refused refused:
                await AwsErrors.WriteAsync(context, call, AwsErrors.Authentication(call, refused.Outcome, refused.Message));
                return;
            case AwsCaller.Anonymous when !AllowsUnsigned(call, request):
                await AwsErrors.WriteAsync(context, call, AwsErrors.Authentication(call, SigV4Outcome.MissingAuthentication, "Missing Authentication Token"));
                return;
            case AwsCaller.FunctionRole role when !AllowsUnsigned(call, request):
                var model = await dataPlane.WaitAsync(context.RequestAborted);
                var function = model.Function(role.FunctionLogicalId);
                var verdict = iam.Authorize(model, function, call, parameters, IsSecureTransport(context));
                if (!verdict.IsAllowed)
                {
                    await AwsErrors.WriteAsync(context, call, AwsErrors.AccessDenied(call, verdict.DeniedMessage!));
                    return;
                }

                break;
        }

        Func<EngineAnswer, ValueTask<EngineAnswer?>>? rewrite = null;
        if (call.Service == AwsServiceCall.Sns && fields is not null
            && snsLambda.HasSubscribers(await dataPlane.WaitAsync(context.RequestAborted), SnsPublishes.TopicOf(call.Operation, fields.Value)))
        {
            rewrite = answer => DeliverToLambdaAsync(call.Operation!, fields.Value, answer, context.RequestAborted);
        }
        else if (call.Service == AwsServiceCall.CognitoIdentityProvider)
        {
            var rules = (await dataPlane.WaitAsync(context.RequestAborted)).Cognito;
            var sourceIp = context.Connection.RemoteIpAddress ?? IPAddress.Loopback;
            if ((CognitoGuard.WafBlock(call, rules, parameters, () => WafRequests.FromHttp(context, sourceIp, body.ToArray()))
                    ?? CognitoGuard.Refusal(call, rules, parameters)) is { } refusal)
            {
                await AwsErrors.WriteAsync(context, call, refusal);
                return;
            }

            if (CognitoGuard.UserExistenceRewrite(call, rules, parameters) is { } existence)
            {
                rewrite = answer => ValueTask.FromResult(existence(answer));
            }
        }

        // A fault applies to what AWS would have served: after authentication, IAM and the pool's own refusals, as a
        // real throttle or outage comes after them.
        if (faults.PickForCall(call) is { } fault)
        {
            await faults.ApplyAsync(fault, call.ToString(), context.RequestAborted);
            if (fault.Error is { } injected)
            {
                await AwsErrors.WriteAsync(context, call, new AwsError(injected.StatusCode ?? StatusCodes.Status400BadRequest, injected.Code, injected.Message));
                return;
            }
        }

        // LocalCloud synthesizes API Gateway itself, so its reads are answered here: the engine's holds none of the stack.
        if (call.Service == AwsServiceCall.ApiGateway)
        {
            await apiGateway.HandleAsync(context, call);
            return;
        }

        if (forwarder.EngineFor(call.Service) is not { } engine)
        {
            await AwsErrors.WriteAsync(context, call, AwsErrors.ServiceUnavailable(call, $"No engine serves {call.Service}: set AWS_ENDPOINT_URL for LocalCloud."));
            return;
        }

        var error = await forwarder.ForwardAsync(context, engine, rewrite);
        if (error != ForwarderError.None)
        {
            LogEngineUnreachable(call.ToString(), engine, error);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await AwsErrors.WriteAsync(context, call, AwsErrors.ServiceUnavailable(call, $"The engine at {engine} did not answer ({error})."));
            }
        }
    }

    /// <summary>
    /// Once the engine has accepted a publish to a topic with lambda subscribers, and before the publisher has its
    /// answer, SNS hands each message to Lambda (<see cref="SnsLambdaDelivery"/>): an answered publish is a queued event.
    /// </summary>
    private async ValueTask<EngineAnswer?> DeliverToLambdaAsync(string operation, NameValueCollection fields, EngineAnswer answer, CancellationToken cancellationToken)
    {
        if (answer.StatusCode == StatusCodes.Status200OK)
        {
            await snsLambda.DeliverAsync(SnsPublishes.Accepted(operation, fields, answer.Body), cancellationToken);
        }

        return null;
    }

    /// <summary>Cognito's sign-in calls and a user pool's public keys are all AWS serves to an unsigned request.</summary>
    public static bool AllowsUnsigned(AwsServiceCall call, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(request);
        return call.Service == AwsServiceCall.CognitoIdentityProvider
            && (call.Operation is { } operation
                ? UnsignedCognitoOperations.Contains(operation)
                : HttpMethods.IsGet(request.Method) && request.Path.Value?.Contains("/.well-known/", StringComparison.Ordinal) == true);
    }

    /// <summary>
    /// <c>aws:SecureTransport</c>: AWS's endpoints are HTTPS; the local one is plain HTTP on loopback, where a request
    /// never leaves the machine, so a loopback request counts as secure and one from another host does not.
    /// </summary>
    public static bool IsSecureTransport(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.IsHttps || context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);
    }

    /// <summary>
    /// A request's top-level parameters: the members of a JSON body, or the fields of a form and the query string. The
    /// body is parsed at the first ask, and only a body that was read whole has any.
    /// </summary>
    /// <summary>
    /// A Query call's parameters, parsed once when first asked for: its form body's fields, and those of the query
    /// string the body does not have (all of them, in a GET).
    /// </summary>
    private static Lazy<NameValueCollection> QueryFields(HttpRequest request, ReadOnlyMemory<byte> body) => new(() =>
    {
        var fields = AwsRequestClassifier.Form(body.Span);
        foreach (var (name, values) in request.Query)
        {
            if (fields[name] is null && values.FirstOrDefault() is { } value)
            {
                fields[name] = value;
            }
        }

        return fields;
    });

    private static Func<string, string?> ParametersOf(AwsServiceCall call, HttpRequest request, ReadOnlyMemory<byte> body, Lazy<NameValueCollection>? queryFields)
    {
        if (call.Protocol == AwsProtocol.Json)
        {
            var root = new Lazy<JsonElement?>(() =>
            {
                try
                {
                    using var document = JsonDocument.Parse(body);
                    return document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    // The engine answers a malformed body in the service's own words; it names no resource here.
                    return null;
                }
            });
            return name => body.Length > 0 && root.Value is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }

        return queryFields is not null ? name => queryFields.Value[name] : name => request.Query[name].FirstOrDefault();
    }

    /// <summary>The call in OpenTelemetry's AWS SDK conventions (<c>rpc.system = aws-api</c>) and who made it.</summary>
    private static void Annotate(Activity? activity, AwsServiceCall call, AwsCaller caller)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("rpc.system", "aws-api");
        activity.SetTag("rpc.service", call.Service);
        activity.SetTag("rpc.method", call.Operation);
        activity.SetTag("localcloud.aws.caller", caller switch
        {
            AwsCaller.FunctionRole role => $"function:{role.FunctionLogicalId}",
            AwsCaller.Administrator => "administrator",
            AwsCaller.Anonymous => "unsigned",
            _ => "refused",
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The engine at {Engine} did not answer {Call}: {Error}")]
    private partial void LogEngineUnreachable(string call, Uri engine, ForwarderError error);
}
