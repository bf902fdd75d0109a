using Npgsql;
using TatamiTech.Data;

namespace TatamiTech.Bench.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster from the OS package, on loopback, pinned to the load generator's core
/// so the service under test keeps a core of its own; or, for the Citus figures, a Citus cluster of a coordinator
/// and two workers on that same core (the services use the coordinator). Stopped and deleted on dispose.
/// </summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    public const string OwnerPassword = "bench-owner";
    public const string RuntimePassword = "bench-runtime";
    public const string PlatformPassword = "bench-platform";

    private const int CitusWorkers = 2;

    /// <summary>
    /// No work of the server's own in a timed sample, on either side of a comparison: no JIT compilation, no parallel
    /// plans, no autovacuum (the bench vacuums and analyzes explicitly, untimed, after it writes), no checkpoint
    /// between the one after loading and the end of a section.
    /// </summary>
    private const string BackgroundWorkControlled =
        "-c jit=off -c max_parallel_workers_per_gather=0 -c autovacuum=off -c checkpoint_timeout=1h -c max_wal_size=16GB";

    private readonly string _bin;
    private readonly string _root;
    private readonly IReadOnlyList<int> _ports;
    private readonly bool _citus;

    private BenchPostgres(string bin, string root, IReadOnlyList<int> ports, bool citus)
    {
        _bin = bin;
        _root = root;
        _ports = ports;
        _citus = citus;
    }

    /// <summary>Whether this is a Citus cluster (a coordinator and two workers).</summary>
    public bool IsCitus => _citus;

    /// <summary>Whether the OS's PostgreSQL server can load Citus (tools/install-citus.sh builds it).</summary>
    public static bool CitusInstalled => FindBin() is { } bin && File.Exists(Path.Combine(Path.GetDirectoryName(bin)!, "lib", "citus.so"));

    private int CoordinatorPort => _ports[0];

    private string NodeDirectory(int node) => Path.Combine(_root, node == 0 ? "data" : $"worker-{node}");

    public string OwnerConnectionString(string database = "tatamidb") =>
        $"Host=127.0.0.1;Port={CoordinatorPort};Username=postgres;Password={OwnerPassword};Database={database};Maximum Pool Size=20";

    public string RuntimeConnectionString(string database = "tatamidb") =>
        $"Host=127.0.0.1;Port={CoordinatorPort};Username=tatami_app;Password={RuntimePassword};Database={database}";

    /// <summary>
    /// The owner's connection with the Npgsql settings the services run with (no reset on return to the pool, automatic
    /// preparation, the default pool size): an anchor tuned as the product is, so a ratio measures the tenancy and
    /// not the configuration.
    /// </summary>
    public string TunedOwnerConnectionString(string database = "tatamidb") =>
        new NpgsqlConnectionStringBuilder(OwnerConnectionString(database))
        {
            NoResetOnClose = true,
            MaxAutoPrepare = DataExtensions.DefaultMaxAutoPrepare,
            MaxPoolSize = new NpgsqlConnectionStringBuilder().MaxPoolSize,
        }.ConnectionString;

    public string PlatformConnectionString(string database = "tatamidb") =>
        $"Host=127.0.0.1;Port={CoordinatorPort};Username=tatami_platform;Password={PlatformPassword};Database={database}";

    public static async Task<BenchPostgres> StartAsync(bool citus = false)
    {
        var bin = FindBin()
            ?? throw new InvalidOperationException("No PostgreSQL server under /usr/lib/postgresql: install the OS package 'postgresql'.");
        var root = Directory.CreateTempSubdirectory("tatamitech-bench-pg-").FullName;
        var ports = Enumerable.Range(0, citus ? 1 + CitusWorkers : 1).Select(_ => Shell.FreePort()).ToList();
        var postgres = new BenchPostgres(bin, root, ports, citus);
        var pwfile = Path.Combine(root, "pwfile");
        await File.WriteAllTextAsync(pwfile, OwnerPassword);
        if (Shell.IsRoot)
        {
            await Shell.RunAsync("chown", ["-R", "postgres:postgres", root]);
        }

        for (var node = 0; node < ports.Count; node++)
        {
            var (file, args) = Shell.AsPostgresUser(Path.Combine(bin, "initdb"), "-D", postgres.NodeDirectory(node), "-U", "postgres",
                $"--pwfile={pwfile}", "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync");
            await Shell.RunAsync(file, args);
        }

        await postgres.StartServerAsync();
        await postgres.CreateDatabaseAsync("tatamidb");
        return postgres;
    }

    /// <summary>
    /// A database on every node; on Citus with the extension everywhere, the owner's password for the connections
    /// between nodes, and the workers joined to the coordinator's copy (the migrations then distribute its tables).
    /// </summary>
    public async Task CreateDatabaseAsync(string database)
    {
        for (var node = 0; node < _ports.Count; node++)
        {
            await ExecuteOnNodeAsync(node, "postgres", $"CREATE DATABASE {database}");
            if (_citus)
            {
                await ExecuteOnNodeAsync(node, database, $"""
                    CREATE EXTENSION citus;
                    INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, 'postgres', 'password={OwnerPassword}');
                    """);
            }
        }

        if (_citus)
        {
            await ExecuteAsync(database, $"SELECT citus_set_coordinator_host('127.0.0.1', {_ports[0]})");
            foreach (var port in _ports.Skip(1))
            {
                await ExecuteAsync(database, $"SELECT citus_add_node('127.0.0.1', {port})");
            }
        }
    }

    public async Task StartServerAsync()
    {
        for (var node = 0; node < _ports.Count; node++)
        {
            var citus = _citus ? " -c shared_preload_libraries=citus -c max_prepared_transactions=100" : string.Empty;
            var options = $"-p {_ports[node]} -k {NodeDirectory(node)} -c listen_addresses=127.0.0.1 -c max_connections=300 " +
                $"-c shared_buffers=256MB{citus} {BackgroundWorkControlled}";
            // HOME is the run's own: a server's connections to other nodes (Citus) read client certificates under
            // ~/.postgresql, and root's home is not the postgres user's to read.
            var (file, args) = Shell.AsPostgresUser("env", $"HOME={_root}",
                Path.Combine(_bin, "pg_ctl"), "start", "-w", "-D", NodeDirectory(node), "-l", Path.Combine(_root, $"server-{node}.log"), "-o", options);
            var (pinnedFile, pinnedArgs) = Shell.Pinned("1", file, args);
            await Shell.RunAsync(pinnedFile, pinnedArgs);
        }
    }

    /// <summary>
    /// CPU time used so far by the server: the postmaster and every process under it (backends, the
    /// checkpointer, autovacuum). Pooled connections keep their backends, so the difference over a round is
    /// what the round's queries cost the database.
    /// </summary>
    public TimeSpan ServerCpuTime()
    {
        var total = TimeSpan.Zero;
        for (var node = 0; node < _ports.Count; node++)
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(NodeDirectory(node), "postmaster.pid")).First());
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
        }

        return total;
    }

    /// <summary>A fast shutdown: sessions are cut at once, as in a restart under load.</summary>
    public async Task StopServerAsync()
    {
        for (var node = 0; node < _ports.Count; node++)
        {
            var (file, args) = Shell.AsPostgresUser(Path.Combine(_bin, "pg_ctl"), "stop", "-w", "-m", "fast", "-D", NodeDirectory(node));
            await Shell.RunAsync(file, args);
        }
    }

    public Task ExecuteAsync(string database, string sql) => ExecuteOnNodeAsync(0, database, sql);

    private async Task ExecuteOnNodeAsync(int node, string database, string sql)
    {
        await using var connection = new NpgsqlConnection(
            $"Host=127.0.0.1;Port={_ports[node]};Username=postgres;Password={OwnerPassword};Database={database};Pooling=false");
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

    private static string? FindBin() => !Directory.Exists("/usr/lib/postgresql") ? null : Directory.GetDirectories("/usr/lib/postgresql")
        .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
        .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "postgres")));

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
