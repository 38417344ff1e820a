using SecureLambda.Deploy.Cli;
using SecureLambda.Deploy.Packaging;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
var root = RepositoryRoot.Find(Directory.GetCurrentDirectory());
var host = new DeployHost(
    Console.Out,
    Console.Error,
    Environment.GetEnvironmentVariable,
    new AwsSdkCredentialSource(),
    repositoryRoot => new BootstrapPublisher(repositoryRoot, Path.Combine(repositoryRoot, "artifacts", "deploy")),
    http,
    (delay, token) => Task.Delay(delay, token),
    TimeProvider.System,
    root);
return await new DeployCli(host).RunAsync(args, cancellation.Token);
