using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Data.Wall;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data.Wall;

/// <summary>
/// The wall through a transaction-mode pooler (PgBouncer, as docs/deploying.md configures it): each client
/// transaction may run on another server session, and a server session serves many clients in turn, so a
/// setting that outlived its transaction would reach another academy's request. Two academies of this class's
/// own, a few server sessions, and the services' data layer with automatic preparation off, as a pooler
/// without prepared-statement support needs (Database:MaxAutoPrepare).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ThroughPgBouncerShould(StackFixture stack) : IAsyncLifetime
{
    private PgBouncer? _bouncer;
    private IHost? _host;
    private TenantInfo _alpha = null!;
    private TenantInfo _bravo = null!;

    public async Task InitializeAsync()
    {
        if (!PgBouncer.Installed && !OptionalServers.Required)
        {
            return;
        }

        _bouncer = await PgBouncer.StartAsync(stack.RuntimeConnectionString);
        _alpha = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "bouncer-a")).Info;
        _bravo = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "bouncer-b")).Info;
        _host = RuntimeHost.Build(
            stack,
            maxPoolSize: 8,
            connectionString: _bouncer!.ConnectionString,
            settings: new Dictionary<string, string?> { [DataExtensions.MaxAutoPrepareKey] = "0" });
        await _host!.AddStudentAsync(_alpha);
        await _host!.AddStudentAsync(_bravo);
    }

    public async Task DisposeAsync()
    {
        _host?.Dispose();
        NpgsqlConnection.ClearAllPools();
        if (_bouncer is not null)
        {
            await _bouncer.DisposeAsync();
        }
    }

    [SkippableFact]
    public void PrepareNothingAutomaticallyWhenConfiguredOff()
    {
        OptionalServers.SkipUnless(PgBouncer.Installed, "PgBouncer", "apt-get install pgbouncer");
        var dataSource = _host!.Services.GetRequiredService<NpgsqlDataSource>();

        Assert.Equal(0, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxAutoPrepare);
        Assert.Throws<InvalidOperationException>(() => RuntimeHost.Build(
            stack, settings: new Dictionary<string, string?> { [DataExtensions.MaxAutoPrepareKey] = "-1" }));
    }

    [SkippableFact]
    public async Task ShowEachAcademyOnlyItsRowsWhileTheyShareServerSessions()
    {
        OptionalServers.SkipUnless(PgBouncer.Installed, "PgBouncer", "apt-get install pgbouncer");
        var leaks = 0;
        var rows = 0;
        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var tenant = i % 2 == 0 ? _alpha : _bravo;
            await using var scope = TenantScope.Create(_host!.Services, tenant);
            var db = scope.Services.GetRequiredService<TatamiDbContext>();
            var seen = await db.Database.SqlQueryRaw<Guid>("SELECT tenant_id AS \"Value\" FROM students").ToListAsync(ct);
            Interlocked.Add(ref rows, seen.Count);
            Interlocked.Add(ref leaks, seen.Count(id => id != tenant.Id));
        });

        Assert.Equal(200, rows);
        Assert.Equal(0, leaks);
    }

    [SkippableFact]
    public async Task LeaveNoAcademyOnAServerSessionForTheNextClient()
    {
        OptionalServers.SkipUnless(PgBouncer.Installed, "PgBouncer", "apt-get install pgbouncer");
        for (var round = 0; round < 4; round++)
        {
            await using (var scope = TenantScope.Create(_host!.Services, round % 2 == 0 ? _alpha : _bravo))
            {
                Assert.Equal(1, await scope.Services.GetRequiredService<TatamiDbContext>().Students.IgnoreQueryFilters().CountAsync());
            }

            // Clients of their own, as another service would be: with two server sessions, the sessions just used.
            for (var client = 0; client < PgBouncer.ServerSessions; client++)
            {
                Assert.Equal(":0", await SettingAndVisibleRowsAsync(new NpgsqlConnection(_bouncer!.ConnectionString)));
            }
        }
    }

    [SkippableFact]
    public async Task RefuseAWriteIntoAnotherAcademy()
    {
        OptionalServers.SkipUnless(PgBouncer.Installed, "PgBouncer", "apt-get install pgbouncer");
        await using var scope = TenantScope.Create(_host!.Services, _alpha);
        await using var connection = await scope.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var batch = WalledBatch.Create(connection, scope.Services.GetRequiredService<ITenantContext>());
        var id = Guid.CreateVersion7();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "INSERT INTO students (id, tenant_id, first_name, last_name, email, belt_rank) VALUES ($1, $2, 'Wall', 'Probe', $3, 'white')")
        {
            Parameters = { new() { Value = id }, new() { Value = _bravo.Id }, new() { Value = $"w{Guid.NewGuid():N}@example.com" } },
        });

        var refused = await Assert.ThrowsAsync<PostgresException>(() => batch.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Equal(0L, await CountAsOwnerAsync(_bravo.Id, id));
    }

    [SkippableFact]
    public async Task HoldTheRosterStatementToItsAcademy()
    {
        OptionalServers.SkipUnless(PgBouncer.Installed, "PgBouncer", "apt-get install pgbouncer");
        await using var scope = TenantScope.Create(_host!.Services, _bravo);
        await using var connection = await scope.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var batch = WalledBatch.Create(connection, scope.Services.GetRequiredService<ITenantContext>());
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT DISTINCT tenant_id FROM students"));
        var tenants = new List<Guid>();
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tenants.Add(reader.GetGuid(0));
            }
        }

        Assert.Equal([_bravo.Id], tenants);
    }

    /// <summary>
    /// The bad example the rule against session-level settings is for: set with <c>is_local = false</c>, an
    /// academy stays on the server session and the pooler hands it to another client, which sees that academy's
    /// rows without asking. The clean-session test above would fail if the wall did this.
    /// </summary>
    [SkippableFact]
    public async Task HandASessionLevelSettingToAnotherClientAsTheReasonForTheRule()
    {
        OptionalServers.SkipUnless(PgBouncer.Installed, "PgBouncer", "apt-get install pgbouncer");
        await using var careless = new NpgsqlConnection(_bouncer!.ConnectionString);
        await careless.OpenAsync();
        try
        {
            for (var session = 0; session < PgBouncer.ServerSessions; session++)
            {
                // Each statement its own transaction: with the other clients idle, they land on the sessions in turn.
                await using var set = new NpgsqlCommand(
                    $"SELECT set_config('{DatabaseWall.TenantSetting}', '{_alpha.Id}', false)", careless);
                await set.ExecuteNonQueryAsync();
            }

            var seenByOthers = new List<string>();
            for (var client = 0; client < PgBouncer.ServerSessions * 2; client++)
            {
                seenByOthers.Add(await SettingAndVisibleRowsAsync(new NpgsqlConnection(_bouncer!.ConnectionString)));
            }

            Assert.Contains($"{_alpha.Id}:1", seenByOthers);
        }
        finally
        {
            for (var session = 0; session < PgBouncer.ServerSessions * 2; session++)
            {
                await using var reset = new NpgsqlCommand($"RESET {DatabaseWall.TenantSetting}", careless);
                await reset.ExecuteNonQueryAsync();
            }
        }
    }

    /// <summary>The session's academy setting and how many students it sees, as "setting:count".</summary>
    private static async Task<string> SettingAndVisibleRowsAsync(NpgsqlConnection connection)
    {
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"SELECT coalesce(current_setting('{DatabaseWall.TenantSetting}', true), '') || ':' || (SELECT count(*) FROM students)",
                connection);
            return (string)(await command.ExecuteScalarAsync())!;
        }
    }

    private async Task<long> CountAsOwnerAsync(Guid tenantId, Guid studentId)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM students WHERE tenant_id = $1 AND id = $2", connection)
        {
            Parameters = { new() { Value = tenantId }, new() { Value = studentId } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
