using System.Text;

namespace SecureLambda.Aws.Signing;

/// <summary>
/// Percent-encoding as SigV4 and botocore define it: UTF-8, every byte but the RFC 3986 unreserved characters
/// (<c>A-Z a-z 0-9 - _ . ~</c>) as upper-case <c>%XX</c>.
/// </summary>
internal static class AwsPercentEncoding
{
    /// <summary>SigV4's <c>UriEncode</c>; <paramref name="keepSlash"/> leaves <c>/</c> alone, as in a canonical path.</summary>
    public static string Encode(string value, bool keepSlash = false) => Encode(value, keepSlash, spaceAsPlus: false);

    /// <summary>
    /// <c>application/x-www-form-urlencoded</c> as Python's <c>urlencode</c> writes it for botocore's Query protocol:
    /// the same set as <see cref="Encode(string, bool)"/>, but a space becomes <c>+</c>.
    /// </summary>
    public static string FormEncode(string value) => Encode(value, keepSlash: false, spaceAsPlus: true);

    private static string Encode(string value, bool keepSlash, bool spaceAsPlus)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
            {
                builder.Append(c);
            }
            else if (spaceAsPlus && c == ' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append(Convert.ToHexString([b]));
            }
        }

        return builder.ToString();
    }
}
