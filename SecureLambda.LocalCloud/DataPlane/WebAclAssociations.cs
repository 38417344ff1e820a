using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>The template's <c>AWS::WAFv2::WebACLAssociation</c>s: the evaluator of the web ACL guarding a resource.</summary>
public static class WebAclAssociations
{
    /// <summary>
    /// The web ACL associated with the resource whose ARN <paramref name="isResource"/> accepts, ready to evaluate, or
    /// null when none guards it. A web ACL that is not in the stack stops LocalCloud, naming the association.
    /// </summary>
    public static WebAclEvaluator? For(ProvisionedStack stack, Func<string, bool> isResource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(isResource);
        var association = stack.OfType("AWS::WAFv2::WebACLAssociation").FirstOrDefault(a => a.GetString("ResourceArn") is { } arn && isResource(arn));
        if (association is null)
        {
            return null;
        }

        var webAclArn = association.GetString("WebACLArn");
        var webAcl = stack.OfType("AWS::WAFv2::WebACL").FirstOrDefault(acl => Arn(acl) == webAclArn)
            ?? throw new UnsupportedTemplateException(association.LogicalId, association.Type, $"its web ACL {webAclArn} is not in the stack");
        var ipSets = stack.OfType("AWS::WAFv2::IPSet").ToDictionary(set => Arn(set) ?? set.PhysicalId, set => set.TypedProperties, StringComparer.Ordinal);
        return new WebAclEvaluator(WebAcl.FromTemplate(webAcl.TypedProperties, arn => ipSets.GetValueOrDefault(arn)), timeProvider);
    }

    private static string? Arn(ProvisionedResource resource) =>
        resource.Attributes.TryGetValue("Arn", out var value) && value is JsonValue text && text.TryGetValue<string>(out var arn) ? arn : null;
}
