using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TatamiTech.Data;
using TatamiTech.Data.Students;
using TatamiTech.Tenancy;

namespace TatamiTech.MigrationService.Seeding;

/// <summary>
/// Adds the demo academies and their students where missing. Idempotent and safe when two
/// instances start together: inserts skip rows that already exist.
/// </summary>
internal static partial class DevelopmentDataSeeder
{
    /// <summary>
    /// Academies are provisioned through <paramref name="owner"/> (the runtime role cannot write the
    /// directory); their students go in through each academy's own tenant scope, like any other write.
    /// </summary>
    public static async Task SeedAsync(
        IServiceProvider services,
        TatamiDbContext owner,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        foreach (var (tenant, students) in DemoAcademies.All)
        {
            await owner.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO tenants (id, slug, name) VALUES ({tenant.Id}, {tenant.Slug}, {tenant.Name}) ON CONFLICT DO NOTHING",
                cancellationToken);

            await using var tenantScope = TenantScope.Create(services, tenant);
            var tenantDb = tenantScope.Services.GetRequiredService<TatamiDbContext>();
            var existing = await tenantDb.Students.Select(s => s.Email).ToListAsync(cancellationToken);
            var missing = students.Where(s => !existing.Contains(s.Email)).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            tenantDb.Students.AddRange(missing);
            try
            {
                await tenantDb.SaveChangesAsync(cancellationToken);
                LogSeeded(logger, missing.Count, tenant.Slug);
            }
            catch (DbUpdateException)
            {
                // Another instance may have seeded the same rows first; anything else is a real failure.
                if (!await AllPresentAsync(services, tenant, students, cancellationToken))
                {
                    throw;
                }
            }
        }
    }

    private static async Task<bool> AllPresentAsync(
        IServiceProvider services,
        TenantInfo tenant,
        IReadOnlyCollection<Student> students,
        CancellationToken cancellationToken)
    {
        await using var scope = TenantScope.Create(services, tenant);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();
        return await db.Students.CountAsync(cancellationToken) >= students.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} demo students for {TenantSlug}")]
    private static partial void LogSeeded(ILogger logger, int count, string tenantSlug);
}
