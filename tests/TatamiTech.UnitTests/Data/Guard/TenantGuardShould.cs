using Microsoft.EntityFrameworkCore;
using TatamiTech.Data;
using TatamiTech.Data.Guard;
using TatamiTech.Data.Students;
using TatamiTech.Tenancy;

namespace TatamiTech.UnitTests.Data.Guard;

/// <summary>The write guard, checked on the change tracker alone: nothing here reaches a database.</summary>
public sealed class TenantGuardShould
{
    private static readonly TenantInfo s_alpha = new(Guid.NewGuid(), "alpha", "Alpha");
    private static readonly TenantInfo s_bravo = new(Guid.NewGuid(), "bravo", "Bravo");

    [Fact]
    public void StampNewRowsWithTheTenantInScope()
    {
        using var db = NewContext(s_alpha);
        var student = NewStudent();
        db.Students.Add(student);

        TenantGuard.Apply(db.ChangeTracker, s_alpha);

        Assert.Equal(s_alpha.Id, student.TenantId);
    }

    [Fact]
    public void RefuseANewRowThatNamesAnotherTenant()
    {
        using var db = NewContext(s_alpha);
        var student = NewStudent();
        student.TenantId = s_bravo.Id;
        db.Students.Add(student);

        Assert.Throws<TenantIsolationException>(() => TenantGuard.Apply(db.ChangeTracker, s_alpha));
    }

    [Theory]
    [InlineData(EntityState.Modified)]
    [InlineData(EntityState.Deleted)]
    public void RefuseToChangeOrDeleteAnotherTenantsRow(EntityState state)
    {
        using var db = NewContext(s_alpha);
        var student = NewStudent();
        student.TenantId = s_bravo.Id;
        db.Students.Attach(student).State = state;

        Assert.Throws<TenantIsolationException>(() => TenantGuard.Apply(db.ChangeTracker, s_alpha));
    }

    [Fact]
    public void LeaveNoTenantOwnedRowMovableBetweenTenants()
    {
        // Moving a row (same id, another tenant) never reaches the guard: tenant_id is part of every
        // tenant-owned entity's key, and EF Core refuses to change a key value. This holds the model to that.
        using var db = NewContext(s_alpha);
        var tenantOwned = db.Model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType)).ToList();

        Assert.NotEmpty(tenantOwned);
        Assert.All(tenantOwned, type => Assert.Contains(
            type.FindPrimaryKey()!.Properties, p => p.Name == nameof(ITenantOwned.TenantId)));
    }

    [Fact]
    public void RefuseAnyWriteWithoutATenant()
    {
        using var db = NewContext(null);
        db.Students.Add(NewStudent());

        Assert.Throws<TenantNotResolvedException>(() => TenantGuard.Apply(db.ChangeTracker, null));
    }

    [Fact]
    public void AllowChangesToRowsOfTheTenantInScope()
    {
        using var db = NewContext(s_alpha);
        var student = NewStudent();
        student.TenantId = s_alpha.Id;
        db.Students.Attach(student);
        student.BeltRank = "blue";
        db.ChangeTracker.DetectChanges();

        TenantGuard.Apply(db.ChangeTracker, s_alpha);

        Assert.Equal(EntityState.Modified, db.Entry(student).State);
    }

    private static TatamiDbContext NewContext(TenantInfo? tenant) => new TatamiDbContext(
        new DbContextOptionsBuilder<TatamiDbContext>()
            .UseNpgsql("Host=unused.invalid;Database=none")
            .UseSnakeCaseNamingConvention()
            .Options)
        .Bind(new FixedTenantContext(tenant));

    private static Student NewStudent() => new()
    {
        Id = Guid.NewGuid(),
        FirstName = "Aiko",
        LastName = "Tanaka",
        Email = "aiko@example.com",
        BeltRank = "white",
    };

    private sealed class FixedTenantContext(TenantInfo? tenant) : ITenantContext
    {
        public TenantInfo? Current => tenant;

        public TenantInfo Required => tenant ?? throw new TenantNotResolvedException();

        public IDisposable Enter(TenantInfo other) => throw new NotSupportedException();
    }
}
