using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace TatamiTech.Hosting.LocalPostgres;

/// <summary>
/// The health check of the server and of its databases: it waits for a connection, for a short while, instead of
/// failing at once. Aspire runs a resource's first check when the process starts, before the server accepts
/// connections, and repeats a failed check only after a growing delay; every start of the app waits on this one.
/// </summary>
internal sealed class LocalPostgresReadiness(IResourceWithConnectionString resource) : IHealthCheck
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
                await using var connection = new NpgsqlConnection(await ConnectionStringAsync(patience.Token));
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

    /// <summary>
    /// Unpooled: an idle connection the AppHost kept would hold up the server's stop, which waits for its clients.
    /// Without a database the server's owner connects to the database of its name, <c>postgres</c>.
    /// </summary>
    private async Task<string> ConnectionStringAsync(CancellationToken ct) =>
        new NpgsqlConnectionStringBuilder(await resource.ConnectionStringExpression.GetValueAsync(ct)) { Pooling = false }
            .ConnectionString;
}
