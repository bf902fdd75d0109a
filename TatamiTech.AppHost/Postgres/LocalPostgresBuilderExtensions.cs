using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TatamiTech.AppHost.Postgres;

/// <summary>
/// Runs the OS package's PostgreSQL server as an Aspire resource: its own throw-away data directory,
/// a port chosen by DCP (read by the server from PGPORT), a health check, databases created when it is
/// healthy, state and logs in the dashboard, and the directory removed when the AppHost stops.
/// </summary>
internal static class LocalPostgresBuilderExtensions
{
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(15);

    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, LocalPostgresInstallation installation, string dataRoot)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        var startupNotes = new List<string>();
        var data = LocalPostgresDataDirectory.CreateForThisRun(dataRoot, startupNotes.Add);
        var runAsPostgresUser = Environment.IsPrivilegedProcess;

        // The server refuses to run as root. setpriv replaces itself with the postmaster (no fork),
        // so DCP's stop signal reaches postgres directly.
        var command = runAsPostgresUser ? "setpriv" : installation.Postgres;
        var server = new LocalPostgresServerResource(name, command, data.RunDirectory, password);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct));

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, ct) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            foreach (var note in startupNotes)
            {
                logger.LogInformation("{Note}", note);
            }

            try
            {
                await InitializeClusterAsync(installation, data, await password.GetValueAsync(ct) ?? string.Empty, runAsPostgresUser, logger, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not initialize the data directory {DataDirectory}", data.DataDirectory);
                // Whatever waits for the databases would otherwise wait forever.
                var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
                foreach (var database in DatabasesOf(builder, server))
                {
                    await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.FailedToStart });
                }

                throw;
            }
        });

        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, ct) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in DatabasesOf(builder, server))
            {
                await CreateDatabaseAsync(connectionString!, database.DatabaseName, ct);
                // DCP publishes no state for children of an executable: without this, WaitFor never returns.
                await notifications.PublishUpdateAsync(database, s => s with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                });
            }
        });

        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((@event, _) =>
        {
            var lifetime = @event.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStopped.Register(() => data.Remove(s_stopGrace));
            return Task.CompletedTask;
        });

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => (connectionString ?? throw new InvalidOperationException("The server has no connection string yet.")) + ";Database=postgres",
            name: healthCheckKey);

        var resource = builder.AddResource(server)
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp", env: "PGPORT")
            .WithArgs(context =>
            {
                if (runAsPostgresUser)
                {
                    context.Args.Add("--reuid=postgres");
                    context.Args.Add("--regid=postgres");
                    context.Args.Add("--init-groups");
                    context.Args.Add("--");
                    context.Args.Add(installation.Postgres);
                }

                context.Args.Add("-D");
                context.Args.Add(data.DataDirectory);
                context.Args.Add("-k");
                context.Args.Add(data.DataDirectory);
                context.Args.Add("-c");
                context.Args.Add("listen_addresses=localhost");
                context.Args.Add("-c");
                context.Args.Add("max_connections=200");
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();

        return resource;
    }

    private static IEnumerable<LocalPostgresDatabaseResource> DatabasesOf(IDistributedApplicationBuilder builder, LocalPostgresServerResource server) =>
        builder.Resources.OfType<LocalPostgresDatabaseResource>().Where(d => d.Parent == server);

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> server, string name, string? databaseName = null)
    {
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, server.Resource);

        string? connectionString = null;
        server.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, ct) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(ct));

        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("The database has no connection string yet."),
            name: healthCheckKey);

        return server.ApplicationBuilder.AddResource(database)
            .WithParentRelationship(server.Resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new(CustomResourceKnownProperties.Source, server.Resource.Name)],
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    private static async Task InitializeClusterAsync(
        LocalPostgresInstallation installation, LocalPostgresDataDirectory data, string password, bool runAsPostgresUser, ILogger logger, CancellationToken ct)
    {
        // A restart (the dashboard's stop and start) runs this again: the cluster and its data stay.
        if (File.Exists(Path.Combine(data.DataDirectory, "PG_VERSION")))
        {
            logger.LogInformation("Reusing the cluster in {DataDirectory}", data.DataDirectory);
            return;
        }

        Directory.CreateDirectory(data.DataDirectory);
        await File.WriteAllTextAsync(data.PasswordFile, password, ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(data.PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.SetUnixFileMode(data.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        try
        {
            if (runAsPostgresUser)
            {
                await RunAsync("chown", ["postgres:postgres", data.DataDirectory, data.PasswordFile], logger, ct);
            }

            string[] initdb =
            [
                installation.InitDb, "-D", data.DataDirectory, "-U", LocalPostgresServerResource.UserName,
                $"--pwfile={data.PasswordFile}", "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync",
            ];
            var sw = Stopwatch.StartNew();
            if (runAsPostgresUser)
            {
                await RunAsync("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", .. initdb], logger, ct);
            }
            else
            {
                await RunAsync(initdb[0], initdb[1..], logger, ct);
            }

            logger.LogInformation("initdb created {DataDirectory} in {Elapsed} ms", data.DataDirectory, sw.ElapsedMilliseconds);
        }
        finally
        {
            File.Delete(data.PasswordFile);
        }
    }

    private static async Task RunAsync(string fileName, IEnumerable<string> args, ILogger logger, CancellationToken ct)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        foreach (var line in ((await stdout) + (await stderr)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            logger.LogInformation("{Line}", line);
        }

        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"'{fileName}' failed with exit code {process.ExitCode}; see the resource's console log.");
        }
    }

    private static async Task CreateDatabaseAsync(string serverConnectionString, string databaseName, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString + ";Database=postgres");
        await connection.OpenAsync(ct);

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = databaseName });
        if (await exists.ExecuteScalarAsync(ct) is not null)
        {
            return;
        }

        var quoted = "\"" + databaseName.Replace("\"", "\"\"") + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        await create.ExecuteNonQueryAsync(ct);
    }
}
