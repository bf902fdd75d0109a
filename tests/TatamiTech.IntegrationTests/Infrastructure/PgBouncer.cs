using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// The OS package's PgBouncer in transaction mode in front of a database, for one test class: every client
/// transaction may run on any of <see cref="ServerSessions"/> server sessions, as in a production pooler. The
/// pooler is found on the PATH or in /usr/sbin; where it is not installed, starting it fails with the way to
/// install it (CI installs it: .ci/run).
/// </summary>
public sealed class PgBouncer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private PgBouncer(Process process, string directory, string connectionString)
    {
        _process = process;
        _directory = directory;
        ConnectionString = connectionString;
    }

    /// <summary>Server sessions per database and user: few, so that clients take turns on the same sessions.</summary>
    public const int ServerSessions = 2;

    /// <summary>The same role and database as the target's connection string, through the pooler.</summary>
    public string ConnectionString { get; }

    public static async Task<PgBouncer> StartAsync(string targetConnectionString)
    {
        var program = Find() ?? throw new InvalidOperationException(
            "PgBouncer is not installed: on Debian or Ubuntu, `apt-get install pgbouncer` (.ci/run installs it).");
        var target = new NpgsqlConnectionStringBuilder(targetConnectionString);
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("tatamitech-pgbouncer-").FullName;

        // PgBouncer refuses to run as root; as root it drops to the postgres user the server package created,
        // which must read these files (a throw-away directory of a loopback test).
        var asRoot = Environment.UserName == "root";
        if (asRoot && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var users = Path.Combine(directory, "users.txt");
        await File.WriteAllTextAsync(users, $"\"{target.Username}\" \"{target.Password}\"\n");
        var config = Path.Combine(directory, "pgbouncer.ini");
        await File.WriteAllTextAsync(config, $"""
            [databases]
            {target.Database} = host={target.Host} port={target.Port} dbname={target.Database}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {users}
            pool_mode = transaction
            default_pool_size = {ServerSessions}
            max_client_conn = 200
            server_reset_query_always = 0
            ignore_startup_parameters = extra_float_digits
            """);

        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asRoot)
        {
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add("postgres");
        }

        info.ArgumentList.Add(config);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var connectionString = new NpgsqlConnectionStringBuilder(targetConnectionString)
        {
            Host = IPAddress.Loopback.ToString(),
            Port = port,
            // Nothing on the far side of the pooler is a session of this client's: no reset on return, and
            // automatic preparation only where the pooler supports prepared statements (Database:MaxAutoPrepare).
            NoResetOnClose = true,
        }.ConnectionString;
        var bouncer = new PgBouncer(process, directory, connectionString);
        process.OutputDataReceived += (_, e) => bouncer.Record(e.Data);
        process.ErrorDataReceived += (_, e) => bouncer.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await bouncer.WaitUntilItAnswersAsync();
        return bouncer;
    }

    /// <summary>Whether the OS package is installed (on the PATH or in /usr/sbin).</summary>
    public static bool Installed => Find() is not null;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task WaitUntilItAnswersAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException && DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (Exception ex) when (ex is NpgsqlException)
            {
                string output;
                lock (_output)
                {
                    output = _output.ToString();
                }

                throw new InvalidOperationException($"PgBouncer did not accept a connection: {ex.Message}\n{output}", ex);
            }
        }
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/sbin")
            .Select(folder => Path.Combine(folder, "pgbouncer"))
            .FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
