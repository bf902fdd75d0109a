using Microsoft.Extensions.Options;
using Npgsql;
using TatamiTech.Api.DevTokens;
using TatamiTech.Names;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Authentication;

namespace TatamiTech.Bench.Infrastructure;

/// <summary>Academies and students written in bulk by the owner, and tokens for them.</summary>
internal static class BenchTenants
{
    public const string SigningKey = "bench-signing-key-of-at-least-thirty-two-bytes!";
    public const string RootDomain = "tatamitech.com";
    public static readonly string[] Ranks = ["white", "yellow", "orange", "green", "blue", "purple", "brown", "black"];

    private static readonly DevTokenIssuer s_issuer = new(Options.Create(new JwtOptions { SigningKey = SigningKey }), TimeProvider.System);

    /// <summary>
    /// <paramref name="count"/> academies named {prefix}00001..., each with <paramref name="students"/>
    /// students whose email domain is the academy's slug, so that any response shows whose rows it holds.
    /// </summary>
    public static async Task<IReadOnlyList<TenantInfo>> CreateAsync(
        BenchPostgres postgres,
        string database,
        string prefix,
        int count,
        int students)
    {
        await using var connection = new NpgsqlConnection(postgres.OwnerConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        var tenants = new List<TenantInfo>();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO tenants (id, slug, name)
            SELECT gen_random_uuid(), $1 || lpad(i::text, 6, '0'), 'Bench academy ' || i FROM generate_series(1, $2) AS i
            RETURNING id, slug, name
            """, connection) { Parameters = { new() { Value = prefix }, new() { Value = count } } })
        await using (var reader = await insert.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tenants.Add(new TenantInfo(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        if (students > 0)
        {
            await using var seed = new NpgsqlCommand("""
                INSERT INTO students (tenant_id, id, first_name, last_name, email, belt_rank)
                SELECT t.id, gen_random_uuid(), 'First' || s, 'Last' || lpad(s::text, 4, '0'), 's' || s || '@' || t.slug || '.bench',
                       ($3::text[])[1 + s % 8]
                  FROM unnest($1::uuid[], $2::text[]) AS t(id, slug) CROSS JOIN generate_series(1, $4) AS s
                """, connection)
            {
                CommandTimeout = 600,
                Parameters =
                {
                    new() { Value = tenants.Select(t => t.Id).ToArray() },
                    new() { Value = tenants.Select(t => t.Slug).ToArray() },
                    new() { Value = Ranks },
                    new() { Value = students },
                },
            };
            await seed.ExecuteNonQueryAsync();
        }

        // Hand-written SQL on the directory: announced, as the platform announces its writes, for a database whose
        // directory has no trigger to do it (Citus); one server's trigger has announced them already.
        await using (var announce = new NpgsqlCommand("SELECT pg_notify($1, slug) FROM unnest($2::text[]) AS slug", connection)
        {
            Parameters = { new() { Value = DirectoryChannel.Name }, new() { Value = tenants.Select(t => t.Slug).ToArray() } },
        })
        {
            await announce.ExecuteNonQueryAsync();
        }

        // Autovacuum is off on the bench's servers: the statistics and visibility map a live database would have.
        await using (var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) tenants, students", connection) { CommandTimeout = 600 })
        {
            await vacuum.ExecuteNonQueryAsync();
        }

        return tenants;
    }

    public static string Host(TenantInfo tenant) => $"{tenant.Slug}.{RootDomain}";

    public static string Token(TenantInfo tenant) => s_issuer.Issue(tenant, "bench", AcademyRoles.Owner, TimeSpan.FromHours(2)).Token;

    /// <summary>The API's environment: Production settings, this cluster as the runtime role, the bench's signing key.</summary>
    public static Dictionary<string, string> ApiEnvironment(BenchPostgres postgres, string database = "tatamidb") => new()
    {
        [ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.ConnectionString(ConnectionNames.Runtime))] =
            postgres.RuntimeConnectionString(database),
        [ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.JwtSigningKey)] = SigningKey,
        // Production settings with the bench's own shared key, knowingly.
        ["Jwt__AllowSymmetricKey"] = "true",
    };
}
