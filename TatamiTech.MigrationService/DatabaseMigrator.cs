using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Data.Wall;
using TatamiTech.MigrationService.Distribution;
using TatamiTech.MigrationService.Seeding;
using TatamiTech.Names;

namespace TatamiTech.MigrationService;

internal static partial class DatabaseMigrator
{
    /// <summary>The services' roles, each with the connection its password comes from.</summary>
    private static readonly (string Role, string Connection)[] s_serviceRoles =
    [
        (DatabaseRoles.Runtime, ConnectionNames.Runtime),
        (DatabaseRoles.Platform, ConnectionNames.Platform),
        (DatabaseRoles.Identity, ConnectionNames.Identity),
    ];

    /// <summary>
    /// Brings the schema up to date as the database owner (<see cref="ConnectionNames.Owner"/>), lets the runtime and
    /// platform roles log in with the passwords of their connection strings, seeds the demo academies in Development,
    /// and checks that the runtime role is one row-level security applies to. Runs started together take turns
    /// (<see cref="MigrationLock"/>): the second finds the work done.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrator).FullName!);
        var configuration = app.Services.GetRequiredService<IConfiguration>();
        var ownerConnectionString = configuration.GetConnectionString(ConnectionNames.Owner)
            ?? throw new InvalidOperationException(
                $"Connection string '{ConnectionNames.Owner}' (the schema owner, for migrations) is missing. Run the stack " +
                $"through TatamiTech.AppHost, or set {ConfigurationKeys.ConnectionString(ConnectionNames.Owner)} " +
                "for the migration service.");

        // The lock lives in the database it guards, so a database that does not exist yet is created first.
        var owner = await OpenOwnerAsync(ownerConnectionString, cancellationToken);
        if (owner is null)
        {
            await CreateDatabaseAsync(ownerConnectionString, cancellationToken);
            owner = await OpenOwnerAsync(ownerConnectionString, cancellationToken)
                ?? throw new InvalidOperationException("The database does not exist after creating it.");
        }

        try
        {
            await using (await MigrationLock.AcquireAsync(owner, logger, cancellationToken))
            {
                var pending = await MigrationHistory.PendingAsync(owner, cancellationToken);
                if (pending.Count > 0)
                {
                    await using var context = OwnerContext(ownerConnectionString);
                    await context.Database.MigrateAsync(cancellationToken);
                }

                LogMigrated(logger, pending.Count);

                foreach (var (role, connection) in s_serviceRoles)
                {
                    await RoleLogin.EnableAsync(owner, role, configuration.GetConnectionString(connection), logger, cancellationToken);
                }

                await CitusDistribution.ApplyAsync(
                    owner, [.. s_serviceRoles.Select(r => (r.Role, configuration.GetConnectionString(r.Connection)))], logger,
                    cancellationToken);

                if (app.Services.GetRequiredService<IHostEnvironment>().IsDevelopment())
                {
                    await DevelopmentDataSeeder.SeedAsync(app.Services, owner, logger, cancellationToken);
                    await DemoMembers.SeedAsync(owner, configuration[DemoMembers.PasswordKey], logger, cancellationToken);
                }
            }
        }
        finally
        {
            await owner.DisposeAsync();
        }

        await app.VerifyRuntimeRoleAsync(cancellationToken);
    }

    /// <summary>
    /// EF Core's creation of the database (its template, collation and tablespace from the model); another run that
    /// created it in the meantime is as good.
    /// </summary>
    private static async Task CreateDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var context = OwnerContext(connectionString);
        try
        {
            await context.GetService<IRelationalDatabaseCreator>().CreateAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created by another run between this run's look and its CREATE DATABASE (EF Core ignores only the
            // narrower race of two creations at once).
        }
    }

    /// <summary>
    /// The owner's connection, or null where the database does not exist yet (an empty external server). The server
    /// was healthy before this process started; a restart in between is waited out briefly.
    /// </summary>
    private static async Task<NpgsqlConnection?> OpenOwnerAsync(string connectionString, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var connection = new NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                return connection;
            }
            catch (Exception ex)
            {
                await connection.DisposeAsync();
                if (ex is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName })
                {
                    return null;
                }

                if (ex is not NpgsqlException { IsTransient: true } || attempt == MaxOpenAttempts)
                {
                    throw;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
        }
    }

    private const int MaxOpenAttempts = 6;

    // Only for applying migrations, outside any tenant. EF Core's check
    // that the migrations describe the whole model (a design-time model built and compared with the snapshot on
    // every migration run) is left to CI, where a missing migration fails the build: MigrationsShould.
    private static TatamiDbContext OwnerContext(string connectionString) => new(
        new DbContextOptionsBuilder<TatamiDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.EnableRetryOnFailure())
            .UseSnakeCaseNamingConvention()
            .ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.PendingModelChangesWarning))
            .Options);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current ({Count} migrations applied now)")]
    private static partial void LogMigrated(ILogger logger, int count);
}
