using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using TatamiTech.Tenancy;

namespace TatamiTech.Data.Guard;

/// <summary>
/// The write half of the data guard: new rows take the tenant in scope; rows of another tenant can be
/// neither changed nor deleted; nothing tenant-owned is written without a tenant.
/// </summary>
internal static class TenantGuard
{
    public static void Apply(ChangeTracker changeTracker, TenantInfo? tenant)
    {
        foreach (var entry in changeTracker.Entries<ITenantOwned>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached)
            {
                continue;
            }

            if (tenant is null)
            {
                throw new TenantNotResolvedException();
            }

            var property = entry.Property<Guid>(nameof(ITenantOwned.TenantId));
            switch (entry.State)
            {
                case EntityState.Added:
                    if (property.CurrentValue != Guid.Empty && property.CurrentValue != tenant.Id)
                    {
                        throw new TenantIsolationException(entry.Metadata.ClrType.Name, tenant.Slug);
                    }

                    property.CurrentValue = tenant.Id;
                    break;

                case EntityState.Modified or EntityState.Deleted:
                    if (property.OriginalValue != tenant.Id || property.CurrentValue != tenant.Id)
                    {
                        throw new TenantIsolationException(entry.Metadata.ClrType.Name, tenant.Slug);
                    }

                    break;
            }
        }
    }
}
