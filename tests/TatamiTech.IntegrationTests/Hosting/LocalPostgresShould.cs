using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Npgsql;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// The local server's life: by default it keeps one cluster per AppHost between runs, as the container keeps its
/// volume; a throw-away cluster serves the database and leaves nothing behind when the AppHost stops, and what a
/// killed AppHost left is swept at the next start.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresShould
{
    [Fact]
    public async Task CleanUpItsDataDirectoryAndWhatAKilledRunLeft()
    {
        var root = Directory.CreateTempSubdirectory("tatamitech-pg-test-").FullName;
        var abandoned = Path.Combine(root, "run-999999-abandoned");
        Directory.CreateDirectory(Path.Combine(abandoned, "data"));
        await File.WriteAllTextAsync(Path.Combine(abandoned, "owner.pid"), DeadProcessId().ToString());

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--Postgres:Mode=local", $"--Postgres:DataRoot={root}", "--Postgres:KeepData=false"], timeout.Token);
        // Only the database: the services are not under test here.
        foreach (var service in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.Resources.Remove(service);
        }

        await using (var app = await builder.BuildAsync(timeout.Token))
        {
            await app.StartAsync(timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.OwnerDatabase, timeout.Token);

            Assert.False(Directory.Exists(abandoned), "The abandoned run directory was not swept.");
            var run = Assert.Single(Directory.GetDirectories(root, "run-*"));
            Assert.True(File.Exists(Path.Combine(run, "data", "PG_VERSION")));

            await using var connection = new NpgsqlConnection(
                await app.GetConnectionStringAsync(ResourceNames.OwnerDatabase, timeout.Token));
            await connection.OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT current_database()", connection);
            Assert.Equal(ResourceNames.OwnerDatabase, await command.ExecuteScalarAsync(timeout.Token));
            await connection.CloseAsync();

            await app.StopAsync(timeout.Token);
        }

        var deadline = Stopwatch.StartNew();
        while (Directory.GetDirectories(root, "run-*").Length > 0 && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200);
        }

        Assert.Empty(Directory.GetDirectories(root, "run-*"));
        Assert.DoesNotContain(Process.GetProcessesByName("postgres"), p => CommandLine(p).Contains(root, StringComparison.Ordinal));
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task KeepItsClusterForTheNextRunWithTheOwnersNewPassword()
    {
        var root = Directory.CreateTempSubdirectory("tatamitech-pg-kept-").FullName;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        await using (var first = await StartDatabaseOnlyAsync(root, "first-owner-password-0123456789", timeout.Token))
        {
            await ExecuteAsync(first, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('written by the first run')", timeout.Token);
            await first.StopAsync(timeout.Token);
        }

        var kept = Assert.Single(Directory.GetDirectories(root, "kept-*"));
        Assert.Empty(Directory.GetDirectories(root, "run-*"));

        // The next run, its password parameter changed (user secrets reset): the same cluster, the data still there.
        await using (var next = await StartDatabaseOnlyAsync(root, "next-owner-password-0123456789", timeout.Token))
        {
            Assert.Equal("written by the first run", await ExecuteAsync(next, "SELECT note FROM kept", timeout.Token));

            // A second AppHost at the same time cannot share the cluster: it gets a throw-away one of its own.
            await using (var beside = await StartDatabaseOnlyAsync(root, "beside-owner-password-0123456789", timeout.Token))
            {
                Assert.Single(Directory.GetDirectories(root, "run-*"));
                Assert.Equal("0", await ExecuteAsync(
                    beside, "SELECT count(*) FROM pg_tables WHERE tablename = 'kept'", timeout.Token));
                await beside.StopAsync(timeout.Token);
            }

            await next.StopAsync(timeout.Token);
        }

        Assert.Equal([kept], Directory.GetDirectories(root, "kept-*"));
        Assert.Empty(Directory.GetDirectories(root, "run-*"));
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task ReportAServerThatCannotStartInsteadOfWaitingForever()
    {
        var bin = Directory.CreateTempSubdirectory("tatamitech-pg-broken-").FullName;
        foreach (var program in new[] { "initdb", "postgres" })
        {
            var path = Path.Combine(bin, program);
            await File.WriteAllTextAsync(path, "#!/bin/sh\necho \"broken on purpose\" >&2\nexit 1\n");
            File.SetUnixFileMode(
                path,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--Postgres:Mode=local", $"--Postgres:BinDirectory={bin}", "--Postgres:KeepData=false"], timeout.Token);

        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        var state = await app.ResourceNotifications.WaitForResourceAsync(
            ResourceNames.OwnerDatabase, [KnownResourceStates.FailedToStart, KnownResourceStates.Running], timeout.Token);

        Assert.Equal(KnownResourceStates.FailedToStart, state);
        await app.StopAsync(timeout.Token);
        Directory.Delete(bin, recursive: true);
    }

    /// <summary>The AppHost's local server and its database, nothing else, on the default of keeping the cluster.</summary>
    private static async Task<DistributedApplication> StartDatabaseOnlyAsync(string root, string password, CancellationToken ct)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--Postgres:Mode=local", $"--Postgres:DataRoot={root}", $"--Parameters:{ResourceNames.Postgres}-password={password}"], ct);
        foreach (var service in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.Resources.Remove(service);
        }

        var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.OwnerDatabase, ct);
        return app;
    }

    /// <summary>Runs the statements as the owner; the first column of the first row, if any.</summary>
    private static async Task<string?> ExecuteAsync(DistributedApplication app, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(await app.GetConnectionStringAsync(ResourceNames.OwnerDatabase, ct));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync(ct))?.ToString();
    }

    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true"))!;
        process.WaitForExit();
        return process.Id;
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
