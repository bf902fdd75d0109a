using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using TatamiTech.Tenancy;

namespace TatamiTech.Data;

/// <summary>
/// The tables of every <see cref="ITenantOwned"/> entity, read from the EF model: what an academy's
/// export contains and what its erasure deletes, so a new entity is included without code. Ordered so
/// that a table comes before the tables it references (children before parents): the order to delete in.
/// </summary>
public static class TenantOwnedTables
{
    private static readonly Lazy<IReadOnlyList<string>> s_inDeletionOrder = new(() => Order(BuildModel()));

    public static IReadOnlyList<string> InDeletionOrder => s_inDeletionOrder.Value;

    private static IModel BuildModel()
    {
        // The model only: no connection is opened.
        var options = new DbContextOptionsBuilder<TatamiDbContext>().UseNpgsql().UseSnakeCaseNamingConvention().Options;
        using var context = new TatamiDbContext(options);
        return context.Model;
    }

    private static List<string> Order(IModel model)
    {
        var owned = model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType)).ToList();
        var ordered = new List<IEntityType>();
        var remaining = owned.ToHashSet();
        while (remaining.Count > 0)
        {
            // Next: a table no remaining table references.
            var next = remaining.FirstOrDefault(candidate => !remaining.Any(other =>
                other != candidate && other.GetForeignKeys().Any(fk => fk.PrincipalEntityType == candidate)))
                ?? throw new InvalidOperationException("Tenant-owned tables reference each other in a cycle; no order deletes them.");
            ordered.Add(next);
            remaining.Remove(next);
        }

        return [.. ordered.Select(t => t.GetTableName()!)];
    }
}
