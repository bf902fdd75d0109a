using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TatamiTech.Data.Seeding;

namespace TatamiTech.Data;

public static partial class DatabaseStartup
{
    /// <summary>
    /// Brings the schema up to date before the service serves. The API is the migration owner; EF Core
    /// takes a database lock while migrating, so two API replicas starting together do not race.
    /// In Development it then adds the demo academies.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseStartup).FullName!);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TatamiDbContext>();
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            await db.Database.MigrateAsync(cancellationToken);
            LogMigrated(logger, pending.Count);
        }

        if (app.Services.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            await DevelopmentDataSeeder.SeedAsync(app.Services, logger, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current ({Count} migrations applied now)")]
    private static partial void LogMigrated(ILogger logger, int count);
}
