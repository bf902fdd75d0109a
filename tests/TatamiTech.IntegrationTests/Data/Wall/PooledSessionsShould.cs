using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.Data.Wall;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;
using TatamiTech.Worker.Roster;

namespace TatamiTech.IntegrationTests.Data.Wall;

/// <summary>
/// Sessions go back to the pool without a reset (No Reset On Close), so after every endpoint of the API and the
/// roster job have run for two academies at once, no session of their pools may still hold an academy: each
/// session of the pool is taken out at the same time and asked for app.tenant_id. A session poisoned on purpose
/// shows that the check finds one.
/// </summary>
[Collection(StackCollection.Name)]
public class PooledSessionsShould(StackFixture stack) : IAsyncLifetime
{
    /// <summary>Small, so that the academies take turns on the same sessions and the check can take them all.</summary>
    private const int PoolSize = 2;

    private TestTenant _alpha = null!;
    private TestTenant _bravo = null!;
    private InProcessApi _api = null!;

    public async Task InitializeAsync()
    {
        // A fixture that could not start (a missing optional server) leaves its tests to skip.
        if (!stack.Started)
        {
            return;
        }

        // Academies of its own, in the directory before the API reads it; the job writes their reports only.
        _alpha = await TestTenant.CreateAsync(stack.OwnerConnectionString, "pool-a");
        _bravo = await TestTenant.CreateAsync(stack.OwnerConnectionString, "pool-b");
        _api = new InProcessApi(stack, runtimeConnectionString: SmallPool());
        await _api.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task HoldNoAcademyAfterEveryEndpointHasRun()
    {
        stack.SkipUnlessStarted();
        using var client = _api.CreateClient();
        var endpoints = Endpoints();
        foreach (var endpoint in endpoints)
        {
            // Both academies at once, so that both sessions of the pool serve them.
            var answers = await Task.WhenAll(SendAsync(client, endpoint, _alpha), SendAsync(client, endpoint, _bravo));
            Assert.All(answers, status => Assert.True(status < 500, $"{endpoint.Name}: {status}"));
        }

        var sessions = await SessionsAsync(_api.Services.GetRequiredService<NpgsqlDataSource>());

        Assert.Contains(sessions, s => s.Served);
        Assert.All(sessions, s => Assert.Equal(string.Empty, s.Academy));
    }

    [SkippableFact]
    public async Task HoldNoAcademyAfterTheRosterJobHasRun()
    {
        stack.SkipUnlessStarted();
        using var host = RuntimeHost.Build(stack, PoolSize, builder =>
        {
            builder.AddRosterReports(schedule: false);
            builder.Services.AddSingleton<ITenantDirectory>(new FixedDirectory([_alpha.Info, _bravo.Info]));
        });
        await host.AddStudentAsync(_alpha.Info);
        await host.AddStudentAsync(_bravo.Info);

        var job = host.Services.GetRequiredService<RosterReportJob>();
        var first = await job.RunAsync(refresh: false, CancellationToken.None);
        var refreshed = await job.RunAsync(refresh: true, CancellationToken.None);
        var sessions = await SessionsAsync(host.Services.GetRequiredService<NpgsqlDataSource>());

        Assert.All(first.Tenants.Concat(refreshed.Tenants), t => Assert.Equal(RosterOutcome.Written, t.Outcome));
        Assert.Contains(sessions, s => s.Served);
        Assert.All(sessions, s => Assert.Equal(string.Empty, s.Academy));
    }

    [SkippableTheory]
    [InlineData("SET app.tenant_id = '{0}'")]
    [InlineData("SELECT set_config('app.tenant_id', '{0}', false)")]
    public async Task FindASessionLeftHoldingAnAcademy(string careless)
    {
        stack.SkipUnlessStarted();
        var dataSource = _api.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var command = new NpgsqlCommand(string.Format(careless, _alpha.Id), connection);
            await command.ExecuteNonQueryAsync();
        }

        var sessions = await SessionsAsync(dataSource);

        Assert.Contains(sessions, s => s.Academy == _alpha.Id.ToString());
    }

    private sealed record Session(int ProcessId, string Academy, bool Served);

    /// <summary>
    /// Every session of the pool, taken out together (so none is handed out twice), with the academy it holds
    /// ('' when none) and whether it served the product's commands (it was open before the check began: the pool
    /// opens sessions only when asked for one).
    /// </summary>
    private async Task<List<Session>> SessionsAsync(NpgsqlDataSource dataSource)
    {
        DateTime checkBegan;
        await using (var owner = new NpgsqlConnection(stack.OwnerConnectionString))
        {
            await owner.OpenAsync();
            await using var now = new NpgsqlCommand("SELECT clock_timestamp()", owner);
            checkBegan = (DateTime)(await now.ExecuteScalarAsync())!;
        }

        var connections = new List<NpgsqlConnection>();
        try
        {
            var sessions = new List<Session>();
            for (var i = 0; i < PoolSize; i++)
            {
                var connection = await dataSource.OpenConnectionAsync();
                connections.Add(connection);
                await using var command = new NpgsqlCommand(
                    $"SELECT coalesce(current_setting('{DatabaseWall.TenantSetting}', true), ''), " +
                    "(SELECT backend_start < $1 FROM pg_stat_activity WHERE pid = pg_backend_pid())",
                    connection)
                {
                    Parameters = { new() { Value = checkBegan } },
                };
                await using var reader = await command.ExecuteReaderAsync();
                await reader.ReadAsync();
                sessions.Add(new Session(connection.ProcessID, reader.GetString(0), reader.GetBoolean(1)));
            }

            Assert.Equal(PoolSize, sessions.Select(s => s.ProcessId).Distinct().Count());
            return sessions;
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private string SmallPool() =>
        new NpgsqlConnectionStringBuilder(stack.RuntimeConnectionString) { MaxPoolSize = PoolSize }.ConnectionString;

    private sealed record ApiEndpoint(string Method, string Pattern, bool TakesBody)
    {
        public string Name => $"{Method} {Pattern}";
    }

    /// <summary>The API's endpoints, read from its endpoint data source; never few, so the run cannot pass by finding none.</summary>
    private List<ApiEndpoint> Endpoints()
    {
        List<ApiEndpoint> endpoints =
        [
            .. _api.Services.GetRequiredService<EndpointDataSource>().Endpoints
                .OfType<RouteEndpoint>()
                .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new ApiEndpoint(
                    method,
                    e.RoutePattern.RawText!.Length > 1 ? e.RoutePattern.RawText!.TrimEnd('/') : e.RoutePattern.RawText!,
                    e.Metadata.GetMetadata<IAcceptsMetadata>() is not null))),
        ];
        Assert.True(endpoints.Count >= 10, $"Only {endpoints.Count} endpoints found.");

        // The writes that remove a row last, so that the reads before them have a row to read.
        return [.. endpoints.OrderBy(e => e.Method == "DELETE")];
    }

    /// <summary>The endpoint as its academy's member calls it, on a student of that academy; the answer's status.</summary>
    private async Task<int> SendAsync(HttpClient client, ApiEndpoint endpoint, TestTenant academy)
    {
        var student = await CreateStudentAsync(client, academy);
        var path = endpoint.Pattern
            .Replace("{id:guid}", student.ToString(), StringComparison.Ordinal)
            .Replace("{studentId:guid}", student.ToString(), StringComparison.Ordinal)
            .Replace("{documentName}", "v1", StringComparison.Ordinal)
            .Replace("{documentName?}", "v1", StringComparison.Ordinal);
        Assert.False(
            path.Contains('{', StringComparison.Ordinal), $"{endpoint.Name}: no sample value for a route parameter; add one here.");
        if (endpoint.Name == "GET /reports/roster")
        {
            path += "?from=2026-01-01&to=2026-01-31";
        }

        using var request = ApiRequests.To(academy.Host, new HttpMethod(endpoint.Method), path, TestTokens.For(academy));
        if (endpoint.TakesBody)
        {
            var body = Body(endpoint.Name);
            Assert.True(body is not null, $"{endpoint.Name}: no sample body; add one here.");
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static string? Body(string endpoint) => endpoint switch
    {
        "POST /students" or "PUT /students/{id:guid}" =>
            $$"""{"firstName":"Pool","lastName":"Probe","email":"p{{Guid.NewGuid():N}}@example.com","beltRank":"blue"}""",
        "POST /students/{studentId:guid}/promotions" => """{"toRank":"black"}""",
        "POST /dev/tokens" => """{"subject":"pool"}""",
        _ => null,
    };

    private static async Task<Guid> CreateStudentAsync(HttpClient client, TestTenant academy)
    {
        using var created = await client.SendAsync(academy, HttpMethod.Post, "/students", new
        {
            firstName = "Pooled", lastName = "Student", email = $"s{Guid.NewGuid():N}@example.com", beltRank = "white",
        });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
