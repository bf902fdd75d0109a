using Microsoft.EntityFrameworkCore;

namespace TatamiTech.Bench.BareEf;

public sealed class BareDbContext(DbContextOptions<BareDbContext> options) : DbContext(options)
{
    public DbSet<BareStudent> Students => Set<BareStudent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<BareStudent>(student =>
        {
            student.ToTable("students");
            student.HasKey(s => new { s.TenantId, s.Id });
        });
}

public sealed class BareStudent
{
    public Guid TenantId { get; set; }

    public Guid Id { get; set; }

    public required string FirstName { get; set; }

    public required string LastName { get; set; }

    public required string Email { get; set; }

    public required string BeltRank { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
