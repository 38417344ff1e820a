using SecureLambda.Deploy.Cli;

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
var workingDirectory = Directory.GetCurrentDirectory();
var root = RepositoryRoot.Find(workingDirectory, AppContext.BaseDirectory);
var host = DeployHost.ForThisMachine(Console.Out, Console.Error, http, root, ConsoleTerminal.IfInteractive(), workingDirectory);
return await new DeployCommandLine(host).InvokeAsync(args, CancellationToken.None, handleTerminationSignals: true);
