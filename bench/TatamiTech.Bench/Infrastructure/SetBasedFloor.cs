using System.Diagnostics;
using Npgsql;

namespace TatamiTech.Bench.Infrastructure;

/// <summary>
/// The set-based floor of the roster job: one <c>INSERT ... SELECT ... GROUP BY tenant_id</c> over all academies, as
/// the owner, into a table made once (on Citus distributed with the students, so each worker aggregates its own
/// shards), on a connection opened once. Only the statement is timed; the table is emptied after it, untimed.
/// </summary>
internal sealed class SetBasedFloor : IAsyncDisposable
{
    private const string Table = "roster_floor";

    private readonly NpgsqlConnection _connection;

    private SetBasedFloor(NpgsqlConnection connection) => _connection = connection;

    public static async Task<SetBasedFloor> CreateAsync(BenchPostgres postgres, string database)
    {
        var connection = new NpgsqlConnection(postgres.OwnerConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        var floor = new SetBasedFloor(connection);
        await floor.ExecuteAsync($"""
            CREATE TABLE {Table} (tenant_id uuid NOT NULL, period_date date NOT NULL, white bigint, yellow bigint, orange bigint,
                green bigint, blue bigint, purple bigint, brown bigint, black bigint, recent bigint, total bigint)
            """);
        if (postgres.IsCitus)
        {
            await floor.ExecuteAsync($"SELECT create_distributed_table('{Table}', 'tenant_id', colocate_with => 'students')");
        }

        return floor;
    }

    /// <summary>One run of the statement, timed alone.</summary>
    public async Task<TimeSpan> TimeAsync()
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {Table}
            SELECT tenant_id, current_date,
                   count(*) FILTER (WHERE belt_rank = 'white'), count(*) FILTER (WHERE belt_rank = 'yellow'),
                   count(*) FILTER (WHERE belt_rank = 'orange'), count(*) FILTER (WHERE belt_rank = 'green'),
                   count(*) FILTER (WHERE belt_rank = 'blue'), count(*) FILTER (WHERE belt_rank = 'purple'),
                   count(*) FILTER (WHERE belt_rank = 'brown'), count(*) FILTER (WHERE belt_rank = 'black'),
                   count(*) FILTER (WHERE created_at > now() - interval '30 days'), count(*)
              FROM students GROUP BY tenant_id
            """, _connection) { CommandTimeout = 600 };
        var watch = Stopwatch.StartNew();
        await command.ExecuteNonQueryAsync();
        var elapsed = watch.Elapsed;
        await ExecuteAsync($"TRUNCATE {Table}");
        return elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP TABLE {Table}");
        await _connection.DisposeAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = new NpgsqlCommand(sql, _connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }
}
