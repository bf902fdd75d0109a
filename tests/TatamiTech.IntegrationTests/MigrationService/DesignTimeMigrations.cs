using Microsoft.EntityFrameworkCore;
using TatamiTech.Data;

namespace TatamiTech.IntegrationTests.MigrationService;

/// <summary>The migrations compiled into the data assembly, read through EF's own migrations assembly.</summary>
internal sealed class DesignTimeMigrations
{
    public IReadOnlyList<string> All { get; } = ReadMigrations();

    private static List<string> ReadMigrations()
    {
        var options = new DbContextOptionsBuilder<TatamiDbContext>()
            .UseNpgsql("Host=unused.invalid")
            .UseSnakeCaseNamingConvention()
            .Options;
        using var db = new TatamiDbContext(options);
        return db.Database.GetMigrations().Order(StringComparer.Ordinal).ToList();
    }
}
