using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using TatamiTech.Names;
using TatamiTech.Worker.Roster;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// The Worker hosted inside the test process against the stack's database, for what only another environment or
/// configuration shows: its start-up refusals, the run-now endpoint outside Development, its health. (Any public
/// Worker type names the entry assembly.)
/// </summary>
public sealed class InProcessWorker(
    StackFixture stack,
    string environment = "Production",
    IReadOnlyDictionary<string, string>? settings = null,
    string? runtimeConnectionString = null) : WebApplicationFactory<RosterReportOptions>
{
    public Task StartAsync()
    {
        // Creating the server runs Program up to RunAsync: options validation and the runtime role check.
        _ = Server;
        return Task.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting($"ConnectionStrings:{ConnectionNames.Runtime}", runtimeConnectionString ?? stack.RuntimeConnectionString);
        builder.UseSetting($"{RosterReportOptions.SectionName}:{nameof(RosterReportOptions.RunOnStart)}", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }
}
