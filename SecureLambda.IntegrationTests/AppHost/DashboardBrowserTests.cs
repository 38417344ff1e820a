extern alias AppHost;

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using SecureLambda.CloudFormation;
using SecureLambda.Testing;
using ResourceNames = AppHost::SecureLambda.AppHost.Hosting.ResourceNames;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>The AppHost with its defaults and the Aspire dashboard running, as <c>dotnet run</c> starts it.</summary>
public sealed class DashboardApp : SecureLambdaApp
{
    protected override bool WithDashboard => true;

    // Without the browser the test skips; the stack is not started for nothing.
    protected override bool CanRun => File.Exists(DashboardBrowserTests.ChromiumPath);
}

/// <summary>
/// The Aspire dashboard in a real browser, as a developer uses it: log in with the browser token, see the stack's
/// resources as a tree that matches the template, run the greeting command from the API's actions menu, read its result, and find its one trace across
/// the AppHost, LocalCloud and both functions. Writes the trace page's screenshot, the README's image.
/// </summary>
[Collection(AppHostCollectionDefinition.Name)]
public sealed partial class DashboardBrowserTests(DashboardApp stack) : IClassFixture<DashboardApp>
{
    /// <summary>Debian's Chromium: Playwright cannot download its own browsers on machines without the internet.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Set to 1 to write the screenshot over the README's image too.</summary>
    public const string UpdateScreenshotsVariable = "SECURELAMBDA_UPDATE_SCREENSHOTS";

    /// <summary>
    /// The processes the Resources page must list beside the stack's tree; parameters are left out, since the dashboard
    /// lists them apart.
    /// </summary>
    public static readonly string[] ExpectedProcesses =
    [
        ResourceNames.Engine,
        ResourceNames.LocalCloud,
        ExpectedNames.ExternalLambda1,
        ExpectedNames.ExternalLambda2,
        ExpectedNames.InternalLambda,
    ];

    private static readonly CloudFormationTemplate Template =
        CloudFormationTemplate.Load(Path.Combine(AppContext.BaseDirectory, "cloudformation", "secure-lambda.yaml"));

    /// <summary>The services whose spans one greeting's trace must hold: the click, the gateway, both functions.</summary>
    public static readonly string[] TracedServices = ["apphost", ResourceNames.LocalCloud, ExpectedNames.ExternalLambda1, ExpectedNames.InternalLambda];

    private const string GreetingCommand = "Send greeting as user1 → /lambda1";
    private const string RestApi = "GreetingApi";

    // Without the background-networking flags Chromium keeps trying Google's services, which a closed network answers
    // with nothing but timeouts; root needs --no-sandbox.
    private static readonly string[] ChromiumArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    // A Blazor app over a busy two-core machine: the grid, the command and the spans of an async hop take seconds.
    private static readonly float Wait = (float)SecureLambdaApp.StepTimeout.TotalMilliseconds;

    [Fact]
    public async Task TheStacksTree_MatchesTheTemplate_ItsGreetingCommand_Is200_AndItsOneTraceSpansEveryProcess()
    {
        await using var browser = await BrowserSession.LogInAsync(stack);
        var page = browser.Page;

        // Logged in: the login URL with the browser token set the auth cookie and lands on the Resources page.
        await Expect(page).Not.ToHaveURLAsync(new Regex("/login"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Resources" })).ToBeVisibleAsync();
        foreach (var name in ExpectedProcesses)
        {
            await Expect(ResourceRow(page, name)).ToBeVisibleAsync();
        }

        // The stack's tree: the stack provisioned, and under it a row for every resource of the template, each in the
        // state LocalCloud reports for it.
        await Expect(ResourceRow(page, ResourceNames.Stack)).ToContainTextAsync("Provisioned");
        foreach (var resource in Template.Resources.Values)
        {
            await Expect(ResourceRow(page, resource.LogicalId)).ToBeVisibleAsync();
        }

        await Expect(ResourceRow(page, "GreetingTopic")).ToContainTextAsync("Provisioned");
        await Expect(ResourceRow(page, "GreetingApiStage")).ToContainTextAsync("Emulated");
        await Expect(ResourceRow(page, "ExternalLambda1Role")).ToContainTextAsync("Emulated");
        await Expect(ResourceRow(page, "ExternalLambda1LogGroup")).ToContainTextAsync("Skipped");
        await Expect(ResourceRow(page, "AlarmEmailSubscription")).ToContainTextAsync("Not created");
        await Expect(ResourceRow(page, "ExternalLambda1")).ToContainTextAsync("Waiting for an invocation");
        await SaveScreenshotAsync(page, "dashboard-resources.png");

        // A normal start raises no notification a developer would have to learn to ignore (the development
        // certificate's, for one: no process of the stack serves HTTPS).
        await Expect(page.GetByText("No trusted development certificate")).ToHaveCountAsync(0);

        // The command from the API's actions menu, enabled once the API is emulated.
        await ResourceRow(page, RestApi).GetByRole(AriaRole.Button, new() { Name = "Actions", Exact = true }).ClickAsync();
        var command = page.GetByRole(AriaRole.Menuitem, new() { Name = GreetingCommand, Exact = true });
        await Expect(command).ToBeEnabledAsync();
        await command.ClickAsync();

        // The toast says only that the command succeeded; its message, the gateway's answer, is in the notification
        // center, and ends with the trace the click started.
        await Expect(page.GetByRole(AriaRole.Listitem, new() { Name = $"\"{GreetingCommand}\" succeeded" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Notifications", Exact = true }).ClickAsync();
        var result = page.GetByText("200 OK: {\"message\":\"Hello Ada. Greetings from ExternalLambda1! Message forwarded to InternalLambda.\"}");
        await Expect(result).ToBeVisibleAsync();
        var traceId = TraceIdPattern().Match(await result.InnerTextAsync()).Groups[1].Value;
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).First.ClickAsync();

        // Traces: the click's trace, listed live, holds the spans of every process the greeting crossed.
        await page.GetByRole(AriaRole.Link, new() { Name = "Traces", Exact = true }).ClickAsync();
        var trace = page.GetByRole(AriaRole.Row, new() { Name = $"Trace Id: {traceId}" });
        foreach (var service in TracedServices)
        {
            await Expect(trace).ToContainTextAsync(new Regex($@"\b{Regex.Escape(service)} \(\d+\)"));
        }

        await trace.GetByRole(AriaRole.Gridcell, new() { Name = $"Trace Id: {traceId}" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"traces/detail/{traceId}"));
        foreach (var service in TracedServices)
        {
            await Expect(page.GetByRole(AriaRole.Gridcell, new() { Name = service, Exact = true }).First).ToBeVisibleAsync();
        }

        // For the picture: the toast gone.
        await Expect(page.GetByRole(AriaRole.Listitem, new() { Name = $"\"{GreetingCommand}\" succeeded" })).ToBeHiddenAsync();
        await SaveScreenshotAsync(page, "dashboard-trace.png");
    }

    /// <summary>
    /// The API's docs page, from the link on the API's resource: Scalar renders the stage's export in the browser (both
    /// routes, their documentation, the schemes), with client app 1's dev key filled in and LocalCloud as the server.
    /// </summary>
    [Fact]
    public async Task TheApisDocsPage_LinkedFromItsResource_RendersTheDocumentedExport_WithTheDevKeyFilledIn()
    {
        await using var browser = await BrowserSession.LogInAsync(stack);
        var page = browser.Page;
        var link = ResourceRow(page, RestApi).Locator("a[href$='/_localcloud/docs']");
        await Expect(link).ToBeVisibleAsync();
        var docs = await link.GetAttributeAsync("href") ?? throw new InvalidOperationException("The API docs link has no address.");

        await page.GotoAsync(docs);

        await Expect(page.GetByText("Greet a user of user pool 1").First).ToBeVisibleAsync();
        await Expect(page.GetByText("Greet a user of user pool 2").First).ToBeVisibleAsync();
        await Expect(page.GetByText(new Uri(docs).GetLeftPart(UriPartial.Authority) + "/development").First).ToBeVisibleAsync();
        Assert.Contains(stack.DevApiKeys[SecureLambdaApp.ClientApp1ApiKey], await page.ContentAsync(), StringComparison.Ordinal);
        await SaveScreenshotAsync(page, "api-docs.png");
    }

    /// <summary>
    /// <c>artifacts/{name}</c> every run; the README's <c>docs/images/{name}</c> too when
    /// <see cref="UpdateScreenshotsVariable"/> is 1.
    /// </summary>
    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var root = RepositoryFolder.Root;
        var shot = await page.ScreenshotAsync(new() { Path = Path.Combine(root, "artifacts", name) });
        if (Environment.GetEnvironmentVariable(UpdateScreenshotsVariable) == "1")
        {
            await File.WriteAllBytesAsync(Path.Combine(root, "docs", "images", name), shot, TestContext.Current.CancellationToken);
        }
    }


    /// <summary>Chromium, headless, logged in to the dashboard with its browser token; skips the test without Chromium.</summary>
    private sealed class BrowserSession : IAsyncDisposable
    {
        private IPlaywright _playwright = null!;
        private IBrowser _browser = null!;

        public IPage Page { get; private set; } = null!;

        public static async Task<BrowserSession> LogInAsync(DashboardApp stack)
        {
            if (!File.Exists(ChromiumPath))
            {
                Assert.Skip($"{ChromiumPath} is missing (apt-get install chromium); Playwright cannot download a browser here.");
            }

            SetDefaultExpectTimeout(Wait);
            var session = new BrowserSession { _playwright = await Playwright.CreateAsync() };
            session._browser = await session._playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArguments });
            var context = await session._browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
            context.SetDefaultTimeout(Wait);
            var page = session.Page = await context.NewPageAsync();
            // The browser's own errors go to the test's output, where a failed run can be read.
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    TestContext.Current.TestOutputHelper?.WriteLine($"browser console error: {message.Text}");
                }
            };
            await page.GotoAsync(stack.DashboardLoginUrl.ToString());
            await ReloadIfTheDashboardFailedToRenderAsync(page);
            return session;
        }

        /// <summary>
        /// Aspire's dashboard (a Blazor app) now and then fails its first render on this 2-core machine: Blazor's
        /// "An unhandled error has occurred" bar, and an empty resource grid. A developer reloads; so does the test, once,
        /// keeping a screenshot and saying so in its output. A second failure fails the test as before.
        /// </summary>
        private static async Task ReloadIfTheDashboardFailedToRenderAsync(IPage page)
        {
            var failed = page.GetByText("An unhandled error has occurred.");
            await Expect(ResourceRow(page, ExpectedProcesses[0]).Or(failed).First).ToBeVisibleAsync();
            if (await failed.IsVisibleAsync())
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryFolder.Root, "artifacts", "dashboard-render-error.png") });
                TestContext.Current.TestOutputHelper?.WriteLine("The dashboard failed its first render (Blazor's unhandled-error bar); reloaded once.");
                await page.ReloadAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.DisposeAsync();
            _playwright.Dispose();
        }
    }

    [GeneratedRegex(@"\(trace ([0-9a-f]{32})\)")]
    private static partial Regex TraceIdPattern();

    private static ILocator ResourceRow(IPage page, string name) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Gridcell).GetByText(name, new() { Exact = true }) });
}
