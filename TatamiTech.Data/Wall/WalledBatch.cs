using Npgsql;
using TatamiTech.Tenancy;

namespace TatamiTech.Data.Wall;

/// <summary>
/// For SQL that EF Core does not send (a batch job's single hand-written statement): a batch led by the
/// wall's call, as every EF Core command is. Npgsql sends a batch as one implicit transaction, so the
/// statements added after the call run with the academy in scope and row-level security holds them to it.
/// </summary>
public static class WalledBatch
{
    /// <summary>A batch on <paramref name="connection"/> for the tenant in scope; none in scope throws.</summary>
    public static NpgsqlBatch Create(NpgsqlConnection connection, ITenantContext tenantContext)
    {
        var tenant = tenantContext.Required;
        var batch = connection.CreateBatch();
        batch.BatchCommands.Add(TenantSetting.ForBatch(tenant.Id));
        return batch;
    }
}
