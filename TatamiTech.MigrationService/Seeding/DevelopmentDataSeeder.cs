using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Tenancy;

namespace TatamiTech.MigrationService.Seeding;

/// <summary>
/// Adds each demo academy the directory does not have yet, with its students. An academy already there keeps
/// whatever a developer made of it: an F5 does not bring back the students someone deleted. That makes a start
/// with the demo in place cost one statement per academy, no tenant scope and no EF Core model.
/// Safe when two instances start together: only the one whose insert made the directory row adds the students.
/// If adding them fails, the row is taken back so the next start seeds the academy again (only a process killed
/// between the two leaves it empty; erase it through the platform to have it seeded again).
/// </summary>
internal static partial class DevelopmentDataSeeder
{
    /// <summary>
    /// Academies are provisioned through <paramref name="owner"/> (the runtime role cannot write the
    /// directory); their students go in through each academy's own tenant scope, like any other write.
    /// </summary>
    public static async Task SeedAsync(
        IServiceProvider services,
        NpgsqlConnection owner,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        foreach (var (tenant, students) in DemoAcademies.All)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", owner)
            {
                Parameters =
                {
                    new NpgsqlParameter<Guid> { TypedValue = tenant.Id },
                    new NpgsqlParameter<string> { TypedValue = tenant.Slug },
                    new NpgsqlParameter<string> { TypedValue = tenant.Name },
                },
            };
            var created = await insert.ExecuteNonQueryAsync(cancellationToken);
            if (created == 0)
            {
                continue;
            }

            try
            {
                await using var tenantScope = TenantScope.Create(services, tenant);
                var tenantDb = tenantScope.Services.GetRequiredService<TatamiDbContext>();
                tenantDb.Students.AddRange(students);
                await tenantDb.SaveChangesAsync(cancellationToken);
            }
            catch
            {
                // SaveChanges is one transaction, so the academy has no student to hold its row.
                await using var undo = new NpgsqlCommand("DELETE FROM tenants WHERE id = $1", owner)
                {
                    Parameters = { new NpgsqlParameter<Guid> { TypedValue = tenant.Id } },
                };
                await undo.ExecuteNonQueryAsync(CancellationToken.None);
                throw;
            }

            LogSeeded(logger, students.Length, tenant.Slug);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} demo students for {TenantSlug}")]
    private static partial void LogSeeded(ILogger logger, int count, string tenantSlug);
}
