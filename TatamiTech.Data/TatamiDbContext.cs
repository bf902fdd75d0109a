using Microsoft.EntityFrameworkCore;
using TatamiTech.Data.Guard;
using TatamiTech.Data.Identity;
using TatamiTech.Data.Platform;
using TatamiTech.Data.Promotions;
using TatamiTech.Data.Reports;
using TatamiTech.Data.Students;
using TatamiTech.Data.Tenants;
using TatamiTech.Data.Wall;
using TatamiTech.Tenancy;

namespace TatamiTech.Data;

/// <summary>
/// The one DbContext, and step 5 of the tenancy pipeline (the guard). Pooled, leased to one scope at a
/// time (<see cref="ScopedContextLease"/>) and bound to that scope's tenant context (<see cref="Bind"/>);
/// returned to the pool when the scope ends, it is bound to no tenant until the next lease. Every
/// <see cref="ITenantOwned"/> entity is filtered to that tenant (<c>Guard/</c>), and SaveChanges refuses
/// to write another tenant's rows. Without a tenant, queries return nothing and writes throw. Behind both,
/// the database's row-level security sees the same tenant (<c>Wall/</c>).
/// </summary>
public sealed class TatamiDbContext(DbContextOptions<TatamiDbContext> options) : DbContext(options), IWalledContext
{
    private ITenantContext _tenantContext = NoTenantContext.Instance;
    private bool _heldByScope;

    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Student> Students => Set<Student>();

    public DbSet<RosterReport> RosterReports => Set<RosterReport>();

    public DbSet<BeltPromotion> BeltPromotions => Set<BeltPromotion>();

    public DbSet<PlatformAuditEntry> PlatformAudit => Set<PlatformAuditEntry>();

    public DbSet<AcademyClient> AcademyClients => Set<AcademyClient>();

    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<RedeemedCode> RedeemedCodes => Set<RedeemedCode>();

    public DbSet<SignInGrant> SignInGrants => Set<SignInGrant>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    /// <summary>
    /// The tenant in scope, read by the query filters on every query and by the wall on every command.
    /// Null when no tenant is in scope: then no row matches.
    /// </summary>
    public Guid? TenantId => _tenantContext.Current?.Id;

    /// <summary>
    /// Binds a leased context to its scope's tenant context: the tenant is read from it on every query and
    /// every save, so a tenant entered after the lease (a job's academy) is the one that counts.
    /// </summary>
    public TatamiDbContext Bind(ITenantContext tenantContext)
    {
        _tenantContext = tenantContext;
        return this;
    }

    /// <summary>Leased to a scope (<see cref="ScopedContextLease"/>): only <see cref="Release"/> gives it back.</summary>
    internal TatamiDbContext HoldFor(ITenantContext tenantContext)
    {
        _heldByScope = true;
        return Bind(tenantContext);
    }

    /// <summary>Its scope has ended: back to the pool, without the tenant.</summary>
    internal void Release()
    {
        _heldByScope = false;
        Dispose();
    }

    internal ValueTask ReleaseAsync()
    {
        _heldByScope = false;
        return DisposeAsync();
    }

    // Disposed while its scope holds it, the context stays as it is, tenant and all: its scope may still use
    // it, and a pooled context disposed is a context returned to the pool. Returning to the pool (or disposing
    // an unpooled context) forgets the tenant before anything else: the next lease starts with none, whatever
    // its scope forgets to do.
    public override void Dispose()
    {
        if (_heldByScope)
        {
            return;
        }

        _tenantContext = NoTenantContext.Instance;
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        if (_heldByScope)
        {
            return ValueTask.CompletedTask;
        }

        _tenantContext = NoTenantContext.Instance;
        return base.DisposeAsync();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TatamiDbContext).Assembly);

        foreach (var entityType in modelBuilder.Model.GetEntityTypes())
        {
            if (typeof(ITenantOwned).IsAssignableFrom(entityType.ClrType))
            {
                modelBuilder.Entity(entityType.ClrType).HasQueryFilter(TenantQueryFilter.For(entityType.ClrType, this));
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        TenantGuard.Apply(ChangeTracker, _tenantContext.Current);
        return WalledSaveChanges.Save(this, TenantId, acceptAllChangesOnSuccess, accept => base.SaveChanges(accept));
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TenantGuard.Apply(ChangeTracker, _tenantContext.Current);
        return WalledSaveChanges.SaveAsync(
            this, TenantId, acceptAllChangesOnSuccess, (accept, ct) => base.SaveChangesAsync(accept, ct), cancellationToken);
    }
}
