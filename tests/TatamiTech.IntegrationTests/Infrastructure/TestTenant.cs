using Npgsql;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>An academy created for one test run, reachable at <c>{slug}.localhost</c>.</summary>
public sealed record TestTenant(Guid Id, string Slug, string Name)
{
    public string Host => $"{Slug}.localhost";

    /// <summary>The tenant as the pipeline would resolve it, for tenant scopes opened by tests.</summary>
    public TenantInfo Info => new(Id, Slug, Name);

    public static TestTenant From(TenantInfo tenant) => new(tenant.Id, tenant.Slug, tenant.Name);

    /// <summary>Sets the academy's time zone as the owner (an unknown zone makes its roster report fail).</summary>
    public async Task SetTimeZoneAsync(string ownerConnectionString, string zone)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE tenants SET time_zone = $1 WHERE id = $2", connection)
        {
            Parameters = { new() { Value = zone }, new() { Value = Id } },
        };
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>
    /// Written straight into the directory table and announced after the commit, as the platform provisions one
    /// (on a distributed database nothing else announces it: AcademyStore.AnnounceAsync).
    /// </summary>
    public static async Task<TestTenant> CreateAsync(string connectionString, string prefix)
    {
        var tenant = new TestTenant(Guid.NewGuid(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)], $"{prefix} academy");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)", connection)
        {
            Parameters = { new() { Value = tenant.Id }, new() { Value = tenant.Slug }, new() { Value = tenant.Name } },
        };
        await insert.ExecuteNonQueryAsync();
        await using var announce = new NpgsqlCommand($"SELECT pg_notify('{DirectoryChannel.Name}', $1)", connection)
        {
            Parameters = { new() { Value = tenant.Slug } },
        };
        await announce.ExecuteNonQueryAsync();
        return tenant;
    }
}
