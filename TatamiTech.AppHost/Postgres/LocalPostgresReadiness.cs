using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace TatamiTech.AppHost.Postgres;

/// <summary>
/// The local server's health check: it waits for the server to accept a connection, for a short while, instead
/// of failing at once. Aspire runs a resource's first check when the process starts, and the server needs a few
/// hundred milliseconds more; a failed check is repeated only after a second, then two, and every start of the
/// stack waits on this one, since the databases, the migrations and the services come after it.
/// </summary>
internal sealed class LocalPostgresReadiness(Func<string> connectionString) : IHealthCheck
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(50);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(s_patience);
        Exception? last = null;
        while (!patience.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString());
                await connection.OpenAsync(patience.Token);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(patience.Token);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                last = ex;
            }

            try
            {
                await Task.Delay(s_interval, patience.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new HealthCheckResult(context.Registration.FailureStatus, "The server did not accept a connection.", last);
    }
}
