using Microsoft.EntityFrameworkCore;
using TatamiTech.Data.Students;

namespace TatamiTech.Bench.Baseline;

/// <summary>The students table with no query filter, no write guard and no tenant interceptor.</summary>
public sealed class BaselineDbContext(DbContextOptions<BaselineDbContext> options) : DbContext(options)
{
    public DbSet<Student> Students => Set<Student>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Student>(student =>
        {
            student.ToTable("students");
            student.HasKey(s => new { s.TenantId, s.Id });
        });
}
