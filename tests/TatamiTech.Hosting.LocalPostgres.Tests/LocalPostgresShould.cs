using System.Diagnostics;
using Aspire.Hosting.Testing;
using Npgsql;

namespace TatamiTech.Hosting.LocalPostgres.Tests;

/// <summary>
/// The local server's life: a throw-away cluster serves the database and leaves nothing behind when the app stops,
/// and what a killed app left is swept at the next start; a persistent cluster outlives the run, as a container
/// keeps its volume; a server that cannot start says so to whatever waits for its database.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresShould : IDisposable
{
    private const string Database = "appdb";
    private readonly string _root = Directory.CreateTempSubdirectory("localpg-test-").FullName;

    [Fact]
    public async Task CleanUpItsDataDirectoryAndWhatAKilledRunLeft()
    {
        var abandoned = Path.Combine(_root, "run-999999-abandoned");
        Directory.CreateDirectory(Path.Combine(abandoned, "data"));
        await File.WriteAllTextAsync(Path.Combine(abandoned, "owner.pid"), TestProcesses.DeadProcessId().ToString());

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using (var app = await StartAsync(persistent: false, [], timeout.Token))
        {
            Assert.False(Directory.Exists(abandoned), "The abandoned run directory was not swept.");
            var run = Assert.Single(Directory.GetDirectories(_root, "run-*"));
            Assert.True(File.Exists(Path.Combine(run, "data", "PG_VERSION")));
            Assert.Equal(Database, await ExecuteAsync(app, "SELECT current_database()", timeout.Token));
            await app.StopAsync(timeout.Token);
        }

        var deadline = Stopwatch.StartNew();
        while (Directory.GetDirectories(_root, "run-*").Length > 0 && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200);
        }

        Assert.Empty(Directory.GetDirectories(_root, "run-*"));
        Assert.DoesNotContain(Process.GetProcessesByName("postgres"), p => CommandLine(p).Contains(_root, StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeepItsClusterForTheNextRunWithTheOwnersNewPassword()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        await using (var first = await StartAsync(persistent: true, [Password("first-owner-password-0123456789")], timeout.Token))
        {
            await ExecuteAsync(first, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('written by the first run')", timeout.Token);
            await first.StopAsync(timeout.Token);
        }

        var kept = Assert.Single(Directory.GetDirectories(_root, "kept-*"));
        Assert.Empty(Directory.GetDirectories(_root, "run-*"));

        // The next run, its password parameter changed (user secrets reset): the same cluster, the data still there.
        await using (var next = await StartAsync(persistent: true, [Password("next-owner-password-0123456789")], timeout.Token))
        {
            Assert.Equal("written by the first run", await ExecuteAsync(next, "SELECT note FROM kept", timeout.Token));

            // A second app at the same time cannot share the cluster: it gets a throw-away one of its own.
            await using (var beside = await StartAsync(persistent: true, [Password("beside-owner-password-0123456789")], timeout.Token))
            {
                Assert.Single(Directory.GetDirectories(_root, "run-*"));
                Assert.Equal("0", await ExecuteAsync(beside, "SELECT count(*) FROM pg_tables WHERE tablename = 'kept'", timeout.Token));
                await beside.StopAsync(timeout.Token);
            }

            await next.StopAsync(timeout.Token);
        }

        Assert.Equal([kept], Directory.GetDirectories(_root, "kept-*"));
        Assert.Empty(Directory.GetDirectories(_root, "run-*"));
    }

    [Fact]
    public async Task ReportAServerThatCannotStartInsteadOfWaitingForever()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_root, "broken-bin")).FullName;
        foreach (var program in new[] { "initdb", "postgres" })
        {
            var path = Path.Combine(bin, program);
            await File.WriteAllTextAsync(path, "#!/bin/sh\necho \"broken on purpose\" >&2\nexit 1\n");
            File.SetUnixFileMode(path, LocalPostgresDataRoot.OwnerOnly | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddLocalPostgres("postgres", new LocalPostgresInstallation(bin)).WithDataRoot(_root).AddDatabase(Database);

        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        var state = await app.ResourceNotifications.WaitForResourceAsync(
            Database, [KnownResourceStates.FailedToStart, KnownResourceStates.Running], timeout.Token);

        Assert.Equal(KnownResourceStates.FailedToStart, state);
        await app.StopAsync(timeout.Token);
    }

    [Fact]
    public void StayOutOfAPublishedModel()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        var server = builder.AddLocalPostgres("postgres");
        var database = server.AddDatabase(Database);

        Assert.All<IResource>(
            [server.Resource, database.Resource],
            r => Assert.Contains(ManifestPublishingCallbackAnnotation.Ignore, r.Annotations));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A server under the test's root and its database, started and healthy.</summary>
    private async Task<DistributedApplication> StartAsync(bool persistent, string[] args, CancellationToken ct)
    {
        var builder = DistributedApplicationTestingBuilder.Create(args);
        var server = builder.AddLocalPostgres("postgres").WithDataRoot(_root);
        if (persistent)
        {
            server.WithPersistentData();
        }

        server.AddDatabase(Database);
        var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(Database, ct);
        return app;
    }

    private static string Password(string password) => $"--Parameters:postgres-password={password}";

    /// <summary>Runs the statements as the owner; the first column of the first row, if any.</summary>
    private static async Task<string?> ExecuteAsync(DistributedApplication app, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(await app.GetConnectionStringAsync(Database, ct));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync(ct))?.ToString();
    }

    private static string CommandLine(Process process)
    {
        try
        {
            return File.ReadAllText($"/proc/{process.Id}/cmdline");
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
