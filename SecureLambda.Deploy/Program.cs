using SecureLambda.Deploy.Cli;
using SecureLambda.Deploy.Packaging;

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
var workingDirectory = Directory.GetCurrentDirectory();
var root = RepositoryRoot.Find(workingDirectory, AppContext.BaseDirectory);
var output = Path.Combine(root, "artifacts", "deploy");
var host = new DeployHost(
    Console.Out,
    Console.Error,
    Environment.GetEnvironmentVariable,
    new AwsSdkCredentialSource(),
    bootstrapDirectory => bootstrapDirectory is null
        ? new BootstrapPublisher(root, output, TimeProvider.System)
        : new PublishedBootstrapPackager(bootstrapDirectory, output),
    http,
    (delay, token) => Task.Delay(delay, token),
    TimeProvider.System,
    root,
    ConsoleTerminal.IfInteractive(),
    workingDirectory);
return await new DeployCommandLine(host).InvokeAsync(args, CancellationToken.None, handleTerminationSignals: true);
