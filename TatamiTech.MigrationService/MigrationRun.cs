using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TatamiTech.MigrationService;

internal static partial class MigrationRun
{
    /// <summary>Migrates and exits: 0 when the database is ready, 1 (with the reason logged) when not.</summary>
    public static async Task<int> RunMigrationsAsync(this IHost host)
    {
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TatamiTech.MigrationService");
        try
        {
            await host.MigrateDatabaseAsync();
            return 0;
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex);
            return 1;
        }
        finally
        {
            // Telemetry (the run's logs and traces) reaches the dashboard before the process ends.
            await host.StopAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The database could not be migrated; the services will not start")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
