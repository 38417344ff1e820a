using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.Tests.Waf;

/// <summary>
/// Bad input never becomes a 5xx: whatever headers, path, query and body an attacker sends, the template's web ACL
/// answers Allow or Block and never throws. Seeded, so a failure replays.
/// </summary>
public sealed class WebAclFuzzTests
{
    private static readonly string[] Fragments =
    [
        "", "%", "%zz", "%2e%2e%2f", "../", "..\\", "\r\n", "\0", "é", "\uD800", "169.254.169.254", "http://1.2.3.4",
        "file://", "=", "&", "?", "+", ";", "authorization", "Bearer ", new string('a', 3000),
    ];

    [Fact]
    public void CrashTheWaf_WithArbitraryRequests_NeverThrows()
    {
        var template = new TestTemplate();
        var evaluator = new WebAclEvaluator(WebAcl.FromTemplate(template.Resource("GreetingWebAcl"), template.IpSetsByArn()), new FakeTimeProvider());
        var random = new Random(20261201);
        string Text() => string.Concat(Enumerable.Range(0, random.Next(0, 6)).Select(_ => Fragments[random.Next(Fragments.Length)]));

        for (var i = 0; i < 2_000; i++)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in (string[])["Authorization", "User-Agent", "Cookie", "X-Forwarded-For", Text()])
            {
                if (random.Next(3) > 0)
                {
                    headers[name] = Text();
                }
            }

            var body = random.Next(2) == 0 ? Encoding.UTF8.GetBytes(Text()) : RandomBytes(random, random.Next(0, 20_000));
            var request = new WafRequest(
                new IPAddress(random.Next()), headers, Text() is { Length: > 0 } method ? method : "POST", "/" + Text(), Text(), body);

            var decision = evaluator.Evaluate(request);

            Assert.True(decision.Action is WafAction.Allow or WafAction.Block);
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
