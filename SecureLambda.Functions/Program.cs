using System.Runtime.InteropServices;
using SecureLambda.Functions;

using var stopping = new CancellationTokenSource();
// Lambda sends SIGTERM before it shuts an execution environment down; finish cleanly instead of dying mid-post.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    stopping.Cancel();
});

return await FunctionHost.RunAsync(Environment.GetEnvironmentVariable, stopping.Token);
