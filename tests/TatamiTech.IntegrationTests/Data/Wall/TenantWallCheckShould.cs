using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using TatamiTech.Data.Wall;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Data.Wall;

/// <summary>
/// The readiness check that keeps a process whose wall does not work out of service. Its failing case is a database
/// of its own whose <c>app_set_tenant</c> sets nothing where the statement runs, as on a distributed database whose
/// coordinator's setting never reaches the workers; the services' own database passes, and so does every service's
/// /health on the stack.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TenantWallCheckShould(StackFixture stack)
{
    [Fact]
    public async Task PassOnTheServicesDatabaseAsTheirRole()
    {
        await using var dataSource = NpgsqlDataSource.Create(stack.RuntimeConnectionString);

        var result = await Check(dataSource).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Theory]
    [InlineData("the setting is never made", "SELECT 1")]
    [InlineData("the setting is made under another name", "SELECT set_config('app.academy', tenant::text, true)")]
    [InlineData("the setting is made for another academy", "SELECT set_config('app.tenant_id', gen_random_uuid()::text, true)")]
    public async Task FailWhenTheSettingDoesNotReachTheStatement(string why, string body)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(stack.OwnerConnectionString, $"""
            CREATE TABLE students (tenant_id uuid NOT NULL);
            CREATE PROCEDURE {DatabaseWall.SetTenantProcedure}(tenant uuid) LANGUAGE sql AS $$ {body} $$;
            """);
        await using var dataSource = NpgsqlDataSource.Create(scratch.ConnectionString);

        var result = await Check(dataSource).CheckHealthAsync(new HealthCheckContext());

        Assert.True(result.Status == HealthStatus.Unhealthy, $"Passed although {why}.");
        Assert.Contains(DatabaseWall.TenantSetting, result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeTheDatabaseOnceASecondHoweverOftenItIsAsked()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(stack.OwnerConnectionString, $"""
            CREATE TABLE students (tenant_id uuid NOT NULL);
            CREATE TABLE probes (at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE PROCEDURE {DatabaseWall.SetTenantProcedure}(tenant uuid) LANGUAGE sql
            AS $$ INSERT INTO probes DEFAULT VALUES; SELECT set_config('{DatabaseWall.TenantSetting}', tenant::text, true) $$;
            """);
        await using var dataSource = NpgsqlDataSource.Create(scratch.ConnectionString);
        var clock = new StoppedClock();
        var check = Check(dataSource, clock);

        var first = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => check.CheckHealthAsync(new HealthCheckContext())));
        var probesWithinASecond = await CountAsync(scratch.ConnectionString, "SELECT count(*) FROM probes");
        clock.Advance(TenantWallCheck.Reuse);
        var later = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.All(first, result => Assert.Equal(HealthStatus.Healthy, result.Status));
        Assert.Equal(1L, probesWithinASecond);
        Assert.Equal(HealthStatus.Healthy, later.Status);
        Assert.Equal(2L, await CountAsync(scratch.ConnectionString, "SELECT count(*) FROM probes"));
    }

    [Fact]
    public async Task LogWhyWhenTheWallStopsWorkingAndWhenItWorksAgain()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(stack.OwnerConnectionString, $"""
            CREATE TABLE students (tenant_id uuid NOT NULL);
            CREATE TABLE broken (yes boolean NOT NULL);
            INSERT INTO broken VALUES (true);
            CREATE PROCEDURE {DatabaseWall.SetTenantProcedure}(tenant uuid) LANGUAGE sql
            AS $$ SELECT set_config('{DatabaseWall.TenantSetting}', tenant::text, true) WHERE NOT (SELECT yes FROM broken) $$;
            """);
        await using var dataSource = NpgsqlDataSource.Create(scratch.ConnectionString);
        var clock = new StoppedClock();
        var logger = new RecordingLogger<TenantWallCheck>();
        var check = new TenantWallCheck(dataSource, clock, logger);

        var broken = await check.CheckHealthAsync(new HealthCheckContext());
        clock.Advance(TenantWallCheck.Reuse);
        var stillBroken = await check.CheckHealthAsync(new HealthCheckContext());
        var loggedWhileBroken = logger.Entries;
        await ScratchDatabase.ExecuteAsync(scratch.ConnectionString, "UPDATE broken SET yes = false");
        clock.Advance(TenantWallCheck.Reuse);
        var mended = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal([HealthStatus.Unhealthy, HealthStatus.Unhealthy, HealthStatus.Healthy], [broken.Status, stillBroken.Status, mended.Status]);
        var failure = Assert.Single(loggedWhileBroken);
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains(DatabaseWall.TenantSetting, failure.Message, StringComparison.Ordinal);
        Assert.Equal([LogLevel.Error, LogLevel.Information], logger.Entries.Select(e => e.Level));
    }

    [Fact]
    public void BeOneCheckPerProcessSoThatCallersShareItsProbe()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(NpgsqlDataSource.Create(stack.RuntimeConnectionString));
        services.AddTenantWallCheck();
        using var provider = services.BuildServiceProvider();
        var registration = Assert.Single(
            provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations, r => r.Name == TenantWallCheck.Name);

        Assert.Same(registration.Factory(provider), registration.Factory(provider));
    }

    [Theory]
    [InlineData(ResourceNames.Api)]
    [InlineData(ResourceNames.Worker)]
    [InlineData(ResourceNames.Platform)]
    public async Task RunOnEveryServicesReadiness(string service)
    {
        using var client = new HttpClient { BaseAddress = stack.App.GetEndpoint(service, "http") };

        using var health = await client.GetAsync(ServicePaths.Health);
        var body = await health.Content.ReadAsStringAsync();

        // Degraded is the Worker's word for an academy whose last report failed: still ready.
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.NotEqual("Unhealthy", body);
    }

    private static TenantWallCheck Check(NpgsqlDataSource dataSource, TimeProvider? clock = null) =>
        new(dataSource, clock ?? TimeProvider.System, NullLogger<TenantWallCheck>.Instance);

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class StoppedClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    /// <summary>A database of one test's own on the stack's server, dropped at the end.</summary>
    private sealed class ScratchDatabase : IAsyncDisposable
    {
        private readonly string _owner;
        private readonly string _name;

        private ScratchDatabase(string owner, string name)
        {
            _owner = owner;
            _name = name;
        }

        public string ConnectionString => new NpgsqlConnectionStringBuilder(_owner) { Database = _name, Pooling = false }.ConnectionString;

        public static async Task<ScratchDatabase> CreateAsync(string owner, string schema)
        {
            var database = new ScratchDatabase(owner, $"wallcheck_{Guid.NewGuid():N}");
            await ExecuteAsync(owner, $"CREATE DATABASE {database._name}");
            await ExecuteAsync(database.ConnectionString, schema);
            return database;
        }

        public async ValueTask DisposeAsync() => await ExecuteAsync(_owner, $"DROP DATABASE {_name} WITH (FORCE)");

        public static async Task ExecuteAsync(string connectionString, string sql)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
