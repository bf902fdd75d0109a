using Microsoft.EntityFrameworkCore;
using TatamiTech.Data;

namespace TatamiTech.UnitTests.Data;

/// <summary>
/// The migrations describe the whole model. Checked here, in CI, rather than by EF Core at every migration run:
/// that check builds the design-time model and compares it with the snapshot on the migration service's path.
/// </summary>
public sealed class MigrationsShould
{
    [Fact]
    public void DescribeEveryChangeToTheModel()
    {
        // The context the migrations are made from (dotnet ef); it never connects.
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);

        Assert.False(
            db.Database.HasPendingModelChanges(),
            "The model has changes that no migration describes: add one (dotnet ef migrations add, in TatamiTech.Data).");
    }
}
