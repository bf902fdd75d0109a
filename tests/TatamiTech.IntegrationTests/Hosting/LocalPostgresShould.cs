using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Npgsql;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// The local server's life: it starts with its own data directory, serves the database, and leaves
/// nothing behind when the AppHost stops; what a killed AppHost left is swept at the next start.
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
            ["--Postgres:Mode=local", $"--Postgres:DataRoot={root}"], timeout.Token);
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
            ["--Postgres:Mode=local", $"--Postgres:BinDirectory={bin}"], timeout.Token);

        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        var state = await app.ResourceNotifications.WaitForResourceAsync(
            ResourceNames.OwnerDatabase, [KnownResourceStates.FailedToStart, KnownResourceStates.Running], timeout.Token);

        Assert.Equal(KnownResourceStates.FailedToStart, state);
        await app.StopAsync(timeout.Token);
        Directory.Delete(bin, recursive: true);
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
