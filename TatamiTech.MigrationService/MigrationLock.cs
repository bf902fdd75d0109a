using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TatamiTech.MigrationService;

/// <summary>
/// One migration run at a time per database: a session advisory lock on the owner's connection, held from the
/// check of what is pending to the last seeded row, and released when disposed (or when the connection ends).
/// </summary>
/// <remarks>
/// EF Core's own lock is not enough: the Npgsql provider locks the history table inside each migration's
/// transaction, and the commit at the end of one migration releases it, while the list of migrations to apply was
/// read once at the start. A second run then applies a migration the first one already has (42701). Two other
/// shapes hang: a lock held in an open transaction is a snapshot that <c>CREATE INDEX CONCURRENTLY</c> (a
/// migration's step) waits for, and so is a waiter blocked in <c>pg_advisory_lock</c>, whose holder waits for that
/// index. So the lock is taken outside any transaction and waited for by trying again, idle in between.
/// </remarks>
internal sealed partial class MigrationLock : IAsyncDisposable
{
    /// <summary>"tatami" in ASCII: the key of this lock in every database the service migrates.</summary>
    internal const long Key = 0x74_61_74_61_6D_69;

    private static readonly TimeSpan s_retryDelay = TimeSpan.FromMilliseconds(250);

    private readonly NpgsqlConnection _connection;

    private MigrationLock(NpgsqlConnection connection) => _connection = connection;

    public static async Task<MigrationLock> AcquireAsync(NpgsqlConnection owner, ILogger logger, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({Key})", owner);
        var waited = false;
        while (await command.ExecuteScalarAsync(cancellationToken) is not true)
        {
            if (!waited)
            {
                LogWaiting(logger);
                waited = true;
            }

            await Task.Delay(s_retryDelay, cancellationToken);
        }

        return new MigrationLock(owner);
    }

    public async ValueTask DisposeAsync()
    {
        // A broken connection has released the lock with its session already.
        if (_connection.State == ConnectionState.Open)
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({Key})", _connection);
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Another migration run holds the database; waiting for it to finish")]
    private static partial void LogWaiting(ILogger logger);
}
