using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TatamiTech.Data;

/// <summary>For <c>dotnet ef migrations add</c> only; it never connects.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<TatamiDbContext>
{
    public TatamiDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TatamiDbContext>()
            .UseNpgsql("Host=localhost;Database=tatamidb")
            .UseSnakeCaseNamingConvention()
            .Options;
        return new TatamiDbContext(options);
    }
}
