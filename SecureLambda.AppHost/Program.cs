// The local stack (engine, localcloud and the three function processes) is wired here by issue 4.
// Until then this AppHost starts the Aspire dashboard with no resources.
var builder = DistributedApplication.CreateBuilder(args);

builder.Build().Run();
