using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TatamiTech.Data;
using TatamiTech.Data.Identity;
using TatamiTech.Data.Promotions;
using TatamiTech.Data.Reports;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data.Guard;

/// <summary>
/// The first wall on its own: the EF Core query filters, with row-level security out of the way. The data layer
/// is wired as the services wire it, but on the schema owner's connection, a superuser whom row-level security
/// does not bind, so whatever the filters let through reaches the test. Each test first shows that the database
/// hides nothing here (both academies' rows come back with the filters ignored), then that the filters alone
/// hold every tenant-owned entity to the academy in scope. Two academies of the class's own, each with a row in
/// every tenant-owned table.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class QueryFilterAloneShould(StackFixture stack) : IAsyncLifetime
{
    private IHost _pastTheWall = null!;
    private TenantInfo _first = null!;
    private TenantInfo _second = null!;

    private Guid[] Both => [_first.Id, _second.Id];

    public async Task InitializeAsync()
    {
        _first = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "filter")).Info;
        _second = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "filter")).Info;

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[$"ConnectionStrings:{ConnectionNames.Runtime}"] = stack.OwnerConnectionString;
        builder.AddTatamiData();
        builder.Services.AddSingleton(TimeProvider.System);
        _pastTheWall = builder.Build();

        foreach (var academy in new[] { _first, _second })
        {
            await using var scope = TenantScope.Create(_pastTheWall.Services, academy);
            var db = scope.Services.GetRequiredService<TatamiDbContext>();
            var student = db.Students.Add(RuntimeHost.NewStudent()).Entity;
            db.BeltPromotions.Add(new BeltPromotion
            {
                Id = Guid.CreateVersion7(),
                StudentId = student.Id,
                FromRank = "white",
                ToRank = "yellow",
                PromotedOn = new DateOnly(2001, 1, 1),
            });
            db.RosterReports.Add(new RosterReport
            {
                Id = Guid.CreateVersion7(),
                PeriodDate = new DateOnly(2001, 1, 1),
                TimeZone = "UTC",
                AsOf = DateTimeOffset.UtcNow,
                TotalStudents = 1,
            });
            db.AcademyClients.Add(new AcademyClient
            {
                Id = Guid.CreateVersion7(),
                ClientId = "int_filter",
                DisplayName = "Filter probe",
                SecretHash = [0],
                Role = AcademyRoles.Coach,
            });
            var account = db.Accounts.Add(new Account
            {
                Id = Guid.CreateVersion7(),
                Email = $"filter{Guid.NewGuid():N}@example.com",
                PasswordHash = "x",
            }).Entity;
            db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), AccountId = account.Id, Role = AcademyRoles.Coach });
            db.RedeemedCodes.Add(new RedeemedCode { Id = Guid.NewGuid() });
            db.Invitations.Add(new Invitation
            {
                Id = Guid.NewGuid(),
                TokenHash = Guid.NewGuid().ToByteArray(),
                Role = AcademyRoles.Coach,
                ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
            });
            db.SignInGrants.Add(new SignInGrant { Id = Guid.NewGuid(), AccountId = account.Id, CurrentRefresh = Guid.NewGuid() });
            await db.SaveChangesAsync();
        }
    }

    public Task DisposeAsync()
    {
        _pastTheWall.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ShowEveryTenantOwnedEntityOnlyTheAcademyInScope()
    {
        foreach (var academy in new[] { _first, _second })
        {
            await using var scope = TenantScope.Create(_pastTheWall.Services, academy);
            var db = scope.Services.GetRequiredService<TatamiDbContext>();

            foreach (var entity in TenantOwnedEntities(db))
            {
                var (filtered, unfiltered) = await SeenAsync(db, entity);

                Assert.True(Both.All(unfiltered.Contains), $"{entity.Name}: row-level security is in the way of this test.");
                Assert.True(filtered.SequenceEqual([academy.Id]), $"{entity.Name}: the filter let through {Describe(filtered)}.");
            }
        }
    }

    [Fact]
    public async Task ShowNoTenantOwnedRowWithoutAnAcademyInScope()
    {
        await using var scope = _pastTheWall.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TatamiDbContext>();

        foreach (var entity in TenantOwnedEntities(db))
        {
            var (filtered, unfiltered) = await SeenAsync(db, entity);

            Assert.True(Both.All(unfiltered.Contains), $"{entity.Name}: row-level security is in the way of this test.");
            Assert.True(filtered.Length == 0, $"{entity.Name}: with no academy in scope the filter let through {Describe(filtered)}.");
        }
    }

    private static List<Type> TenantOwnedEntities(TatamiDbContext db)
    {
        var entities = db.Model.GetEntityTypes().Select(e => e.ClrType).Where(typeof(ITenantOwned).IsAssignableFrom).ToList();
        Assert.Contains(typeof(BeltPromotion), entities);
        return entities;
    }

    /// <summary>This class's academies whose rows a query of <paramref name="entity"/> returns, with and without the filters.</summary>
    private Task<(Guid[] Filtered, Guid[] Unfiltered)> SeenAsync(TatamiDbContext db, Type entity) =>
        (Task<(Guid[], Guid[])>)typeof(QueryFilterAloneShould)
            .GetMethod(nameof(SeenOfAsync), BindingFlags.NonPublic | BindingFlags.Instance)!
            .MakeGenericMethod(entity)
            .Invoke(this, [db])!;

    private async Task<(Guid[], Guid[])> SeenOfAsync<T>(TatamiDbContext db) where T : class
    {
        var ours = Both;
        var set = db.Set<T>();
        var filtered = await set.Select(e => EF.Property<Guid>(e, nameof(ITenantOwned.TenantId)))
            .Where(id => ours.Contains(id)).Distinct().ToArrayAsync();
        var unfiltered = await set.IgnoreQueryFilters().Select(e => EF.Property<Guid>(e, nameof(ITenantOwned.TenantId)))
            .Where(id => ours.Contains(id)).Distinct().ToArrayAsync();
        return (filtered, unfiltered);
    }

    private string Describe(Guid[] seen) =>
        seen.Length == 0 ? "no academy" : string.Join(", ", seen.Select(id => id == _first.Id ? "the first academy" : "the second"));
}
