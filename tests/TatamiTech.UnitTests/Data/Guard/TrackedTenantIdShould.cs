using Microsoft.EntityFrameworkCore;
using TatamiTech.Data;
using TatamiTech.Data.Students;

namespace TatamiTech.UnitTests.Data.Guard;

/// <summary>
/// The write guard checks a changed or deleted row's tenant id as it was read; the id it would be written with
/// can only differ if EF Core lets a tracked key change, which it refuses by either value. Should that ever
/// change, the guard's second check (the current value) is what keeps a row from moving between academies.
/// </summary>
public sealed class TrackedTenantIdShould
{
    [Fact]
    public void StayAsItWasReadWhenTheCurrentValueIsSet()
    {
        using var db = NewContext();
        var entry = db.Students.Attach(NewStudent(Guid.NewGuid()));

        Assert.Throws<InvalidOperationException>(() => entry.Property(s => s.TenantId).CurrentValue = Guid.NewGuid());
    }

    [Fact]
    public void StayAsItWasReadWhenTheOriginalValueIsSet()
    {
        using var db = NewContext();
        var entry = db.Students.Attach(NewStudent(Guid.NewGuid()));

        Assert.Throws<InvalidOperationException>(() => entry.Property(s => s.TenantId).OriginalValue = Guid.NewGuid());
    }

    private static TatamiDbContext NewContext() => new(
        new DbContextOptionsBuilder<TatamiDbContext>()
            .UseNpgsql("Host=unused.invalid;Database=none")
            .UseSnakeCaseNamingConvention()
            .Options);

    private static Student NewStudent(Guid tenantId)
    {
        var student = new Student
        {
            Id = Guid.NewGuid(),
            FirstName = "Guard",
            LastName = "Test",
            Email = "guard@example.com",
            BeltRank = "white",
        };
        student.TenantId = tenantId;
        return student;
    }
}
