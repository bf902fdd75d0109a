using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TatamiTech.Data;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.MigrationService;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.MigrationService;

/// <summary>The migration service's work, as the AppHost wires it (in Development unless told), in this process.</summary>
internal static class MigrationServiceHost
{
    /// <summary>
    /// One run against the owner's and the runtime role's connections (and the platform role's, if given); its log
    /// records go to <paramref name="logs"/>.
    /// </summary>
    public static async Task RunAsync(
        string ownerConnectionString,
        string runtimeConnectionString,
        string environment = "Development",
        LogCaptureProcessor? logs = null,
        string? platformConnectionString = null)
    {
        using var migrations = Build(ownerConnectionString, runtimeConnectionString, environment, logs, platformConnectionString);
        await migrations.MigrateDatabaseAsync();
    }

    /// <summary>The migration service's host, not run yet.</summary>
    public static IHost Build(
        string ownerConnectionString,
        string runtimeConnectionString,
        string environment = "Development",
        LogCaptureProcessor? logs = null,
        string? platformConnectionString = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration[$"ConnectionStrings:{ConnectionNames.Runtime}"] = runtimeConnectionString;
        builder.Configuration[$"ConnectionStrings:{ConnectionNames.Owner}"] = ownerConnectionString;
        builder.Configuration[$"ConnectionStrings:{ConnectionNames.Platform}"] = platformConnectionString;
        if (logs is not null)
        {
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.AddProcessor(logs);
            });
        }

        builder.AddTatamiData();
        return builder.Build();
    }
}
