using System.Diagnostics;
using Npgsql;

namespace TatamiTech.Bench.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster from the OS package, on loopback, pinned to the load generator's core
/// so the service under test keeps a core of its own. Stopped and deleted on dispose.
/// </summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    public const string OwnerPassword = "bench-owner";
    public const string RuntimePassword = "bench-runtime";
    public const string PlatformPassword = "bench-platform";

    private readonly string _bin;
    private readonly string _root;
    private readonly int _port;

    private BenchPostgres(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        _port = port;
    }

    private string DataDirectory => Path.Combine(_root, "data");

    public string OwnerConnectionString(string database = "tatamidb") =>
        $"Host=127.0.0.1;Port={_port};Username=postgres;Password={OwnerPassword};Database={database};Maximum Pool Size=20";

    public string RuntimeConnectionString(string database = "tatamidb") =>
        $"Host=127.0.0.1;Port={_port};Username=tatami_app;Password={RuntimePassword};Database={database}";

    public string PlatformConnectionString(string database = "tatamidb") =>
        $"Host=127.0.0.1;Port={_port};Username=tatami_platform;Password={PlatformPassword};Database={database}";

    public static async Task<BenchPostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql")
            .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "postgres")))
            ?? throw new InvalidOperationException("No PostgreSQL server under /usr/lib/postgresql: install the OS package 'postgresql'.");
        var root = Directory.CreateTempSubdirectory("tatamitech-bench-pg-").FullName;
        var postgres = new BenchPostgres(bin, root, Shell.FreePort());
        var pwfile = Path.Combine(root, "pwfile");
        await File.WriteAllTextAsync(pwfile, OwnerPassword);
        if (Shell.IsRoot)
        {
            await Shell.RunAsync("chown", ["-R", "postgres:postgres", root]);
        }

        var (file, args) = Shell.AsPostgresUser(Path.Combine(bin, "initdb"), "-D", postgres.DataDirectory, "-U", "postgres",
            $"--pwfile={pwfile}", "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync");
        await Shell.RunAsync(file, args);
        await postgres.StartServerAsync();
        await postgres.ExecuteAsync("postgres", "CREATE DATABASE tatamidb");
        return postgres;
    }

    public async Task StartServerAsync()
    {
        var options = $"-p {_port} -k {DataDirectory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB";
        var (file, args) = Shell.AsPostgresUser(
            Path.Combine(_bin, "pg_ctl"), "start", "-w", "-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-o", options);
        var (pinnedFile, pinnedArgs) = Shell.Pinned("1", file, args);
        await Shell.RunAsync(pinnedFile, pinnedArgs);
    }

    /// <summary>
    /// CPU time used so far by the server: the postmaster and every process under it (backends, the
    /// checkpointer, autovacuum). Pooled connections keep their backends, so the difference over a round is
    /// what the round's queries cost the database.
    /// </summary>
    public TimeSpan ServerCpuTime()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First());
        var total = TimeSpan.Zero;
        foreach (var pid in Shell.Descendants(postmaster).Prepend(postmaster))
        {
            try
            {
                total += Shell.CpuTime(pid);
            }
            catch (IOException)
            {
                // A backend that ended while being read.
            }
        }

        return total;
    }

    /// <summary>A fast shutdown: sessions are cut at once, as in a restart under load.</summary>
    public async Task StopServerAsync()
    {
        var (file, args) = Shell.AsPostgresUser(Path.Combine(_bin, "pg_ctl"), "stop", "-w", "-m", "fast", "-D", DataDirectory);
        await Shell.RunAsync(file, args);
    }

    public async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(OwnerConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(OwnerConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Median wall time of a statement over <paramref name="runs"/> runs.</summary>
    public async Task<TimeSpan> TimeAsync(string database, string sql, int runs)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await ExecuteAsync(database, sql);
            times.Add(watch.Elapsed);
        }

        return Stats.Median(times);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_root, recursive: true);
    }
}
