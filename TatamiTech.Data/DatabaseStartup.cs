using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TatamiTech.Data.Seeding;
using TatamiTech.Data.Wall;
using TatamiTech.ServiceDefaults.Tenancy;

namespace TatamiTech.Data;

public static partial class DatabaseStartup
{
    /// <summary>
    /// What the migration service does: brings the schema up to date as the database owner
    /// (<see cref="DataExtensions.MigrationConnectionName"/>; EF Core holds a database lock while
    /// migrating, so two runs do not race), lets the runtime role log in with the password of the runtime
    /// connection string, seeds the demo academies in Development, and checks that the runtime role is one
    /// row-level security applies to.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseStartup).FullName!);
        var configuration = app.Services.GetRequiredService<IConfiguration>();
        var ownerConnectionString = configuration.GetConnectionString(DataExtensions.MigrationConnectionName)
            ?? throw new InvalidOperationException(
                $"Connection string '{DataExtensions.MigrationConnectionName}' (the schema owner, for migrations) is missing. " +
                "Run the stack through TatamiTech.AppHost, or set it for the migration service next to ConnectionStrings:" + DataExtensions.ConnectionName + ".");

        await using (var owner = OwnerContext(ownerConnectionString))
        {
            var pending = (await owner.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            await owner.Database.MigrateAsync(cancellationToken);
            LogMigrated(logger, pending.Count);

            await EnableRuntimeLoginAsync(owner, configuration.GetConnectionString(DataExtensions.ConnectionName), cancellationToken);

            if (app.Services.GetRequiredService<IHostEnvironment>().IsDevelopment())
            {
                await DevelopmentDataSeeder.SeedAsync(app.Services, owner, logger, cancellationToken);
            }
        }

        await app.VerifyRuntimeRoleAsync(cancellationToken);
    }

    private static TatamiDbContext OwnerContext(string connectionString) => new(
        new DbContextOptionsBuilder<TatamiDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.EnableRetryOnFailure())
            .UseSnakeCaseNamingConvention()
            .Options,
        NoTenantContext.Instance);

    /// <summary>
    /// The migration creates the runtime role without a password; its password is the one the AppHost
    /// gave the services, so it is set here rather than written into a migration.
    /// </summary>
    private static async Task EnableRuntimeLoginAsync(TatamiDbContext owner, string? runtimeConnectionString, CancellationToken cancellationToken)
    {
        var runtime = new NpgsqlConnectionStringBuilder(runtimeConnectionString);
        if (runtime.Username != DatabaseWall.RuntimeRole || string.IsNullOrEmpty(runtime.Password))
        {
            // Another role, or one managed outside the app: VerifyRuntimeRoleAsync still checks it.
            return;
        }

        // ALTER ROLE takes no parameters: the password travels as one (never in the statement text, so
        // never in a server log) and format('%L') quotes it inside the server.
        var connection = (NpgsqlConnection)owner.Database.GetDbConnection();
        await owner.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(
                $"""
                SELECT set_config('tatami.runtime_password', @password, true);
                DO $$ BEGIN
                    EXECUTE format('ALTER ROLE {DatabaseWall.RuntimeRole} LOGIN PASSWORD %L', current_setting('tatami.runtime_password'));
                END $$;
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<string>("password", runtime.Password));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await owner.Database.CloseConnectionAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current ({Count} migrations applied now)")]
    private static partial void LogMigrated(ILogger logger, int count);
}
