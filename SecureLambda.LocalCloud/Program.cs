var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory-style tests.</summary>
public partial class Program;
