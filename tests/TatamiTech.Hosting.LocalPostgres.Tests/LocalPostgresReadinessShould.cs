using System.Diagnostics;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace TatamiTech.Hosting.LocalPostgres.Tests;

/// <summary>
/// The server's health check waits for the server to accept connections, briefly, instead of failing at once:
/// Aspire repeats a failed check only after a growing delay (a second, then more), and every step of a start
/// waits on this one.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresReadinessShould : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("localpg-test-").FullName;

    [Fact]
    public async Task ReportHealthyAsSoonAsAServerStillStartingAcceptsAConnection()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var builder = DistributedApplicationTestingBuilder.Create();
        var server = builder.AddLocalPostgres("postgres").WithDataRoot(_root);
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("postgres", timeout.Token);
        var running = new NpgsqlConnectionStringBuilder(await app.GetConnectionStringAsync("postgres", timeout.Token));

        // The same server behind a port that starts listening only after the check has begun.
        await using var starting = new DelayedPort(running.Port);
        var check = new LocalPostgresReadiness(new FixedConnectionString(
            new NpgsqlConnectionStringBuilder(running.ConnectionString) { Port = starting.Port }.ConnectionString));
        var registration = new HealthCheckRegistration("postgres", check, HealthStatus.Unhealthy, tags: null);
        var opensAfter = TimeSpan.FromMilliseconds(500);

        var elapsed = Stopwatch.StartNew();
        var result = check.CheckHealthAsync(new HealthCheckContext { Registration = registration }, timeout.Token);
        await Task.Delay(opensAfter, timeout.Token);
        starting.Open();

        // Healthy from the one call that began before the server listened: no failed check for Aspire to repeat a
        // second or more later. No upper bound in wall-clock time: test projects run side by side on a loaded machine.
        Assert.Equal(HealthStatus.Healthy, (await result).Status);
        Assert.True(elapsed.Elapsed >= opensAfter, $"healthy after {elapsed.Elapsed}, before the port opened");
        await app.StopAsync(timeout.Token);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A resource whose connection string is a fixed text.</summary>
    private sealed class FixedConnectionString(string connectionString) : IResourceWithConnectionString
    {
        public string Name => "fixed";

        public ResourceAnnotationCollection Annotations { get; } = [];

        public ReferenceExpression ConnectionStringExpression
        {
            get
            {
                var expression = new ReferenceExpressionBuilder();
                // The expression is a composite format: a generated password's braces must be doubled to stay literal.
                expression.AppendLiteral(
                    connectionString.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
                return expression.Build();
            }
        }
    }
}
