using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TatamiTech.Api.Students;
using TatamiTech.Data;
using TatamiTech.Data.Wall;
using TatamiTech.IntegrationTests.AppHost.Citus;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;
using TatamiTech.Tenancy;
using TatamiTech.Worker.Roster;

namespace TatamiTech.IntegrationTests.Data.Wall;

/// <summary>
/// A plan must not carry an academy. On one session (a pool of one), the hot statements (list, get and create
/// students, the roster writer) are prepared automatically after a few uses and then executed for two academies
/// in turn, with Postgres told to reuse one generic plan for every execution, or to plan every execution anew:
/// each academy sees its own rows and counts, whichever plan runs. The same holds for a prepared count with no
/// WHERE on each tenant table (the policies alone), and a policy that reads the academy when the statement is
/// planned (an IMMUTABLE function) is caught by it: the policies must read it when the statement executes.
/// </summary>
[Collection(StackCollection.Name)]
public class PlanCacheShould(StackFixture stack)
{
    private const int Rounds = 8;

    [SkippableTheory]
    [InlineData("force_generic_plan", "generic_plans")]
    [InlineData("force_custom_plan", "custom_plans")]
    public async Task KeepEachAcademyToItsRowsOnTheSamePreparedStatements(string mode, string plansColumn)
    {
        stack.SkipUnlessStarted();
        var alpha = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "plan-a")).Info;
        var bravo = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "plan-b")).Info;
        using var host = OneSessionHost(mode, [alpha, bravo]);
        var students = new Dictionary<Guid, List<Guid>> { [alpha.Id] = [], [bravo.Id] = [] };
        if (stack is CitusStackFixture && mode == "force_generic_plan")
        {
            // Citus refuses to plan these statements generically: the academy gets an error, never another's rows.
            // The services run with the default plan cache mode, which the other Citus suites exercise.
            var refusal = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await CreateAsync(host, alpha);
                await ListAsync(host, alpha);
            });
            Assert.Equal(PostgresErrorCodes.FeatureNotSupported, PostgresErrorOf(refusal)?.SqlState);
            return;
        }

        for (var round = 0; round < Rounds; round++)
        {
            (TenantInfo Academy, TenantInfo Other)[] turns =
                round % 2 == 0 ? [(alpha, bravo), (bravo, alpha)] : [(bravo, alpha), (alpha, bravo)];
            foreach (var (academy, other) in turns)
            {
                // Bravo enrols a student every round, alpha every other: the counts differ.
                if (academy == bravo || round % 2 == 0)
                {
                    students[academy.Id].Add(await CreateAsync(host, academy));
                }

                var page = await ListAsync(host, academy);
                Assert.Equal(students[academy.Id].Count, page.TotalCount);
                Assert.Equal(students[academy.Id].Order(), page.Items.Select(s => s.Id).Order());
                Assert.True(await FoundAsync(host, academy, students[academy.Id][^1]));
                Assert.False(await FoundAsync(host, academy, students[other.Id].LastOrDefault(Guid.NewGuid())));
            }
        }

        var job = host.Services.GetRequiredService<RosterReportJob>();
        for (var run = 0; run < Rounds; run++)
        {
            var result = await job.RunAsync(refresh: true, CancellationToken.None);
            Assert.All(result.Tenants, t => Assert.Equal(RosterOutcome.Written, t.Outcome));
            Assert.Equal(students[alpha.Id].Count, await ReportedStudentsAsync(alpha));
            Assert.Equal(students[bravo.Id].Count, await ReportedStudentsAsync(bravo));
        }

        Assert.Equal(Rounds / 2, students[alpha.Id].Count);
        Assert.Equal(Rounds, students[bravo.Id].Count);
        var prepared = await PreparedAsync(host, mode, plansColumn);
        string[] hot = ["LIMIT $2 OFFSET $3", "WHERE s.tenant_id = $1 AND s.id = $2", "INSERT INTO students", "INSERT INTO roster_reports"];
        Assert.All(hot, shape => Assert.True(
            prepared.Any(statement => statement.Contains(shape, StringComparison.Ordinal)),
            $"No statement with '{shape}' was prepared and planned under {mode}:\n{string.Join(Environment.NewLine, prepared)}"));
    }

    [SkippableTheory]
    [InlineData("force_generic_plan", "students")]
    [InlineData("force_custom_plan", "students")]
    [InlineData("force_generic_plan", "belt_promotions")]
    [InlineData("force_generic_plan", "roster_reports")]
    public async Task KeepAPreparedSelectWithoutWhereToTheAcademyInScope(string mode, string table)
    {
        stack.SkipUnlessStarted();
        var alpha = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "plan-a")).Info;
        var bravo = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "plan-b")).Info;
        await OwnerAsync($"""
            INSERT INTO students (tenant_id, id, first_name, last_name, email, belt_rank)
            SELECT a.id, gen_random_uuid(), 'Raw', 'Probe', 'r' || gen_random_uuid() || '@example.com', 'white'
              FROM (VALUES ('{alpha.Id}'::uuid, 2), ('{bravo.Id}'::uuid, 3)) AS a (id, n), generate_series(1, a.n);
            INSERT INTO belt_promotions (tenant_id, id, student_id, from_rank, to_rank, promoted_on)
            SELECT tenant_id, gen_random_uuid(), id, 'white', 'yellow', current_date FROM students
             WHERE tenant_id IN ('{alpha.Id}', '{bravo.Id}');
            INSERT INTO roster_reports (tenant_id, id, period_date, time_zone, as_of, total_students, new_students_last30days,
                                        students_by_rank)
            SELECT '{bravo.Id}', gen_random_uuid(), current_date - d, 'UTC', now(), 0, 0, jsonb_build_object()
              FROM generate_series(1, 3) AS d;
            """);
        var expected = table == "roster_reports" ? (0L, 3L) : (2L, 3L);

        Assert.Equal([], await MisreadCountsAsync(mode, $"SELECT count(*) FROM {table}", (alpha, expected.Item1), (bravo, expected.Item2)));
    }

    [SkippableFact]
    public async Task CatchAPolicyThatFreezesTheAcademyIntoTheGenericPlan()
    {
        stack.SkipUnlessStarted();
        var alpha = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "plan-a")).Info;
        var bravo = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "plan-b")).Info;
        var schema = $"plan_{Guid.NewGuid():N}"[..13];
        // The bad example: the academy read by an IMMUTABLE function, which the planner folds into a constant, so a
        // generic plan keeps the academy of the execution it was built for.
        await OwnerAsync($"""
            CREATE SCHEMA {schema};
            CREATE FUNCTION {schema}.frozen_academy() RETURNS uuid LANGUAGE sql IMMUTABLE
                AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;
            CREATE TABLE {schema}.visits (tenant_id uuid NOT NULL, id int NOT NULL, PRIMARY KEY (tenant_id, id));
            ALTER TABLE {schema}.visits ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {schema}.visits FORCE ROW LEVEL SECURITY;
            CREATE POLICY tenant_isolation ON {schema}.visits USING (tenant_id = {schema}.frozen_academy());
            GRANT USAGE ON SCHEMA {schema} TO tatami_app;
            GRANT SELECT ON {schema}.visits TO tatami_app;
            INSERT INTO {schema}.visits SELECT '{alpha.Id}', n FROM generate_series(1, 2) AS n;
            INSERT INTO {schema}.visits SELECT '{bravo.Id}', n FROM generate_series(1, 3) AS n;
            """);
        try
        {
            var misread = await MisreadCountsAsync("force_generic_plan", $"SELECT count(*) FROM {schema}.visits", (alpha, 2), (bravo, 3));

            Assert.Contains(misread, turn => turn.Contains(bravo.Slug, StringComparison.Ordinal));
        }
        finally
        {
            await OwnerAsync($"DROP SCHEMA {schema} CASCADE");
        }
    }

    /// <summary>
    /// Runs <paramref name="statement"/> (a count) prepared once on one runtime session under <paramref name="mode"/>,
    /// led by the wall's call as the Worker's batches are, for each academy in turn; the turns that counted wrong.
    /// </summary>
    private async Task<List<string>> MisreadCountsAsync(
        string mode, string statement, params (TenantInfo Academy, long Count)[] expected)
    {
        var session = new NpgsqlConnectionStringBuilder(stack.RuntimeConnectionString)
        {
            Pooling = false,
            Options = $"-c plan_cache_mode={mode}",
        };
        await using var connection = new NpgsqlConnection(session.ConnectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { TenantSetting.ForBatch(expected[0].Academy.Id), new NpgsqlBatchCommand(statement) },
        };
        await batch.PrepareAsync();
        var misread = new List<string>();
        for (var turn = 0; turn < Rounds; turn++)
        {
            var (academy, count) = expected[turn % expected.Length];
            batch.BatchCommands[0].Parameters[0].Value = academy.Id;
            long seen;
            await using (var reader = await batch.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync());
                seen = reader.GetInt64(0);
            }

            if (seen != count)
            {
                misread.Add($"turn {turn}, {academy.Slug}: {seen} rows, expected {count}");
            }
        }

        return misread;
    }

    private async Task OwnerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The services' data layer and the roster job, on one session whose plan cache mode is <paramref name="mode"/>.</summary>
    private IHost OneSessionHost(string mode, IReadOnlyList<TenantInfo> academies)
    {
        var builder = Host.CreateApplicationBuilder();
        var runtime = new NpgsqlConnectionStringBuilder(stack.RuntimeConnectionString)
        {
            MaxPoolSize = 1,
            // The server's plan cache mode for this session, from its start.
            Options = $"-c plan_cache_mode={mode}",
        };
        builder.Configuration[$"ConnectionStrings:{ConnectionNames.Runtime}"] = runtime.ConnectionString;
        builder.Configuration[$"{RosterReportOptions.SectionName}:{nameof(RosterReportOptions.MaxAcademiesInFlight)}"] = "1";
        builder.AddTatamiData();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddRosterReports(schedule: false);
        builder.Services.AddSingleton<ITenantDirectory>(new FixedDirectory(academies));
        return builder.Build();
    }

    private static PostgresException? PostgresErrorOf(Exception? exception) =>
        exception switch
        {
            null => null,
            PostgresException postgres => postgres,
            _ => PostgresErrorOf(exception.InnerException),
        };

    private static async Task<Guid> CreateAsync(IHost host, TenantInfo academy)
    {
        await using var scope = TenantScope.Create(host.Services, academy);
        var result = await StudentsApi.CreateStudent(
            new StudentRequest { FirstName = "Plan", LastName = "Cache", Email = $"p{Guid.NewGuid():N}@example.com", BeltRank = "white" },
            scope.Services.GetRequiredService<TatamiDbContext>(),
            TimeProvider.System,
            CancellationToken.None);
        return Assert.IsType<Created<StudentResponse>>(result.Result).Value!.Id;
    }

    private static async Task<StudentPage> ListAsync(IHost host, TenantInfo academy)
    {
        await using var scope = TenantScope.Create(host.Services, academy);
        var result = await StudentsApi.ListStudents(
            scope.Services.GetRequiredService<TatamiDbContext>(), page: 1, pageSize: 50, q: null, CancellationToken.None);
        return Assert.IsType<Ok<StudentPage>>(result.Result).Value!;
    }

    private static async Task<bool> FoundAsync(IHost host, TenantInfo academy, Guid student)
    {
        await using var scope = TenantScope.Create(host.Services, academy);
        var result = await StudentsApi.GetStudent(student, scope.Services.GetRequiredService<TatamiDbContext>(), CancellationToken.None);
        return result.Result is Ok<StudentResponse> found && found.Value!.Id == student;
    }

    /// <summary>The roster report's count of the academy's students, read past the wall as the owner.</summary>
    private async Task<int> ReportedStudentsAsync(TenantInfo academy)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT total_students FROM roster_reports WHERE tenant_id = $1", connection)
        {
            Parameters = { new() { Value = academy.Id } },
        };
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The statements the one session holds prepared that were planned the way <paramref name="mode"/> says and
    /// never the other way: the loop above did run on prepared statements, under that mode.
    /// </summary>
    private static async Task<List<string>> PreparedAsync(IHost host, string mode, string plansColumn)
    {
        var otherColumn = plansColumn == "generic_plans" ? "custom_plans" : "generic_plans";
        await using var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT current_setting('plan_cache_mode'), statement, {plansColumn}, {otherColumn} FROM pg_prepared_statements",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var statements = new List<string>();
        while (await reader.ReadAsync())
        {
            Assert.Equal(mode, reader.GetString(0));
            Assert.Equal(0L, reader.GetInt64(3));
            if (reader.GetInt64(2) > 0)
            {
                statements.Add(reader.GetString(1));
            }
        }

        return statements;
    }
}
