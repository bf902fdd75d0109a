using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TatamiTech.Api.Promotions;
using TatamiTech.Api.Students;
using TatamiTech.Data;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data.Wall;

/// <summary>
/// A write that row-level security filters to no row is a failure, never a silent success. The student is read,
/// then moved to another academy by the owner just before the write is saved (a save interceptor), so the wall
/// hides it from the UPDATE: the save throws, and the handlers answer 404 (an update with no error in the logs).
/// </summary>
[Collection(StackCollection.Name)]
public class ZeroRowWritesShould(StackFixture stack) : IAsyncLifetime
{
    private readonly MoveBeforeSave _move = new(stack.OwnerConnectionString);
    private readonly ErrorLog _errors = new();
    private TenantInfo _alpha = null!;
    private TenantInfo _bravo = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        // A fixture that could not start (a missing optional server) leaves its tests to skip.
        if (!stack.Started)
        {
            return;
        }

        _alpha = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "zero-a")).Info;
        _bravo = (await TestTenant.CreateAsync(stack.OwnerConnectionString, "zero-b")).Info;
        _host = RuntimeHost.Build(stack, configure: builder =>
        {
            builder.Services.ConfigureDbContext<TatamiDbContext>(options => options.AddInterceptors(_move));
            builder.Logging.AddProvider(_errors);
        });
    }

    public Task DisposeAsync()
    {
        _host?.Dispose();
        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task FailASaveWhoseUpdateTheWallFiltersToNoRow()
    {
        stack.SkipUnlessStarted();
        var student = await _host.AddStudentAsync(_alpha);
        await using var scope = TenantScope.Create(_host.Services, _alpha);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();
        var tracked = await db.Students.SingleAsync(s => s.Id == student.Id);
        tracked.BeltRank = "blue";
        _move.Arm(student.Id, _bravo.Id);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
        Assert.Equal(("white", _bravo.Id), await RowAsync(student.Id));
    }

    [SkippableFact]
    public async Task AnswerNotFoundToAnUpdateOfAStudentThatLeftTheAcademy()
    {
        stack.SkipUnlessStarted();
        var student = await _host.AddStudentAsync(_alpha);
        await using var scope = TenantScope.Create(_host.Services, _alpha);
        _move.Arm(student.Id, _bravo.Id);

        var result = await StudentsApi.UpdateStudent(
            student.Id,
            new StudentRequest { FirstName = "Taken", LastName = "Over", Email = $"t{Guid.NewGuid():N}@example.com", BeltRank = "black" },
            scope.Services.GetRequiredService<TatamiDbContext>(),
            CancellationToken.None);

        Assert.True(_move.Moved);
        Assert.IsType<NotFound>(result.Result);
        Assert.Equal(("white", _bravo.Id), await RowAsync(student.Id));
        Assert.Empty(_errors.Records);
    }

    [SkippableFact]
    public async Task AnswerNotFoundToAPromotionOfAStudentThatLeftTheAcademy()
    {
        stack.SkipUnlessStarted();
        var student = await _host.AddStudentAsync(_alpha);
        await using var scope = TenantScope.Create(_host.Services, _alpha);
        _move.Arm(student.Id, _bravo.Id);

        var result = await PromotionsApi.PromoteStudent(
            student.Id,
            new PromotionRequest { ToRank = "yellow" },
            scope.Services.GetRequiredService<TatamiDbContext>(),
            TimeProvider.System,
            CancellationToken.None);

        Assert.True(_move.Moved);
        Assert.IsType<NotFound>(result.Result);
        Assert.Equal(("white", _bravo.Id), await RowAsync(student.Id));
        Assert.Equal(0L, await OwnerScalarAsync("SELECT count(*) FROM belt_promotions WHERE student_id = $1", student.Id));
        // EF Core inserts the history row first; its failed command is EF's own record, never the handler's.
        Assert.All(_errors.Records, record => Assert.StartsWith("Microsoft.EntityFrameworkCore.", record, StringComparison.Ordinal));
    }

    /// <summary>The student's rank and academy, read past the wall as the owner.</summary>
    private async Task<(string Rank, Guid Academy)> RowAsync(Guid student)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT belt_rank, tenant_id FROM students WHERE id = $1", connection)
        {
            Parameters = { new() { Value = student } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetGuid(1));
    }

    private async Task<object?> OwnerScalarAsync(string sql, Guid value)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = value } } };
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Once armed, moves a student to another academy as the owner (keeping its id) when the next save begins.</summary>
    private sealed class MoveBeforeSave(string ownerConnectionString) : SaveChangesInterceptor
    {
        private (Guid Student, Guid To)? _armed;

        public bool Moved { get; private set; }

        public void Arm(Guid student, Guid to) => _armed = (student, to);

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (_armed is { } move)
            {
                _armed = null;
                await using var connection = new NpgsqlConnection(ownerConnectionString);
                await connection.OpenAsync(cancellationToken);
                // A copy under the other academy, then the original gone, in one transaction: a distributed database
                // (Citus) refuses to change the column its rows are placed by, so the row is not updated in place.
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using var copy = new NpgsqlCommand(
                    "INSERT INTO students SELECT (jsonb_populate_record(NULL::students, to_jsonb(s) || jsonb_build_object('tenant_id', $2))).* " +
                    "FROM students s WHERE id = $1",
                    connection,
                    transaction)
                {
                    Parameters = { new() { Value = move.Student }, new() { Value = move.To } },
                };
                await copy.ExecuteNonQueryAsync(cancellationToken);
                await using var remove = new NpgsqlCommand("DELETE FROM students WHERE id = $1 AND tenant_id <> $2", connection, transaction)
                {
                    Parameters = { new() { Value = move.Student }, new() { Value = move.To } },
                };
                Moved = await remove.ExecuteNonQueryAsync(cancellationToken) == 1;
                await transaction.CommitAsync(cancellationToken);
            }

            return result;
        }
    }

    /// <summary>Every record at Error or above, whatever its category.</summary>
    private sealed class ErrorLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Records { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ErrorLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(
                LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    log.Records.Enqueue($"{category}: {formatter(state, exception)}");
                }
            }
        }
    }
}
