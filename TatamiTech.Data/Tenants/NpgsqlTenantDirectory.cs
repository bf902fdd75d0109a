using Npgsql;
using TatamiTech.Tenancy;

namespace TatamiTech.Data.Tenants;

/// <summary>
/// Tenant lookups in plain SQL over the shared data source: one indexed read, no DbContext, because the
/// pipeline calls it before any tenant scope exists.
/// </summary>
internal sealed class NpgsqlTenantDirectory(NpgsqlDataSource dataSource) : ITenantDirectory
{
    public async Task<TenantInfo?> FindBySlugAsync(string slug, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, slug, name, status FROM tenants WHERE slug = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slug });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<TenantInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, slug, name, status FROM tenants ORDER BY slug");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tenants = new List<TenantInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(Read(reader));
        }

        return tenants;
    }

    private static TenantInfo Read(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3) == TenantStatuses.Suspended);
}
