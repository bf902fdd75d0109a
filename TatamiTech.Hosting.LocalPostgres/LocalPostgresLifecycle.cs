using Aspire.Hosting.Eventing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TatamiTech.Hosting.LocalPostgres;

/// <summary>
/// A local server through one run of the app: its data directory chosen and its cluster initialized as the app
/// starts, its databases created once it is healthy, and a throw-away directory removed when the app stops.
/// </summary>
internal sealed class LocalPostgresLifecycle(IResourceBuilder<LocalPostgresServerResource> builder)
{
    /// <summary>How long a stopped server gets to exit by itself, and a run still holding the kept cluster to let go.</summary>
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(15);

    /// <summary>How long a killed run's orchestrator gets to stop its server before this run stops it.</summary>
    private static readonly TimeSpan s_leftoverGrace = TimeSpan.FromSeconds(5);

    private readonly LocalPostgresServerResource _server = builder.Resource;
    private readonly List<string> _notes = [];
    private LocalPostgresDataDirectory? _data;
    private Task? _initialization;

    public string DataDirectory =>
        _data?.DataDirectory ?? throw new InvalidOperationException("The server starts before its directory was chosen.");

    public string RunDirectory =>
        _data?.RunDirectory ?? throw new InvalidOperationException("The server starts before its directory was chosen.");

    public void Subscribe(IDistributedApplicationEventing eventing)
    {
        eventing.Subscribe<BeforeStartEvent>(ChooseDataDirectory);
        eventing.Subscribe<BeforeResourceStartedEvent>(_server, WaitForClusterAsync);
        eventing.Subscribe<ResourceReadyEvent>(_server, CreateDatabasesAsync);
        eventing.Subscribe<AfterResourcesCreatedEvent>((@event, _) =>
        {
            @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() => _data?.Remove(s_stopGrace));
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// When the app starts, not when its model is built: a model that only publishes, or a test that only reads it,
    /// takes no cluster, nor does a model whose server was taken out. initdb (only for a new cluster) runs beside the
    /// orchestrator's own start-up rather than when the server is about to start; the server's start waits for it.
    /// A restart from the dashboard finds the cluster made.
    /// </summary>
    private Task ChooseDataDirectory(BeforeStartEvent @event, CancellationToken ct)
    {
        if (!builder.ApplicationBuilder.ExecutionContext.IsRunMode || !@event.Model.Resources.Contains(_server))
        {
            return Task.CompletedTask;
        }

        var logger = Logger(@event.Services);
        var data = _data = (_server.PersistentDataName is { } name
                ? LocalPostgresDataDirectory.TryKeep(_server.PersistentDataRoot, name, s_stopGrace, _notes.Add)
                : null)
            ?? LocalPostgresDataDirectory.CreateForThisRun(_server.DataRoot, _notes.Add);
        builder.WithWorkingDirectory(data.RunDirectory);
        _initialization = Task.Run(async () =>
        {
            if (data.Kept)
            {
                data.StopLeftoverServer(s_leftoverGrace, note => logger.LogInformation("{Note}", note));
            }

            var password = await _server.PasswordParameter.GetValueAsync(ct) ?? string.Empty;
            await LocalPostgresCluster.InitializeAsync(_server.Installation, data, password, logger, ct);
        }, ct);
        return Task.CompletedTask;
    }

    private async Task WaitForClusterAsync(BeforeResourceStartedEvent @event, CancellationToken ct)
    {
        var logger = Logger(@event.Services);
        foreach (var note in _notes)
        {
            logger.LogInformation("{Note}", note);
        }

        try
        {
            await (_initialization ?? throw new InvalidOperationException("The app started without BeforeStartEvent.")).WaitAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not initialize the data directory {DataDirectory}", _data?.DataDirectory);
            // Whatever waits for the databases would otherwise wait forever.
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in _server.Databases)
            {
                await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.FailedToStart });
            }

            throw;
        }
    }

    /// <summary>
    /// Creates the databases that do not exist yet, runs their initializers, then marks them running; beside the
    /// orchestrator's start rather than inside its ready event, as an initializer may wait for another server's
    /// database (a cluster's workers), whose own ready event would otherwise wait behind this one.
    /// </summary>
    private Task CreateDatabasesAsync(ResourceReadyEvent @event, CancellationToken ct)
    {
        var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
        var logger = Logger(@event.Services);
        _ = Task.Run(async () =>
        {
            try
            {
                await CreateDatabasesAsync(@event.Services, notifications, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not create or initialize the databases of {Server}", _server.Name);
                foreach (var database in _server.Databases)
                {
                    await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.FailedToStart });
                }
            }
        }, ct);
        return Task.CompletedTask;
    }

    private async Task CreateDatabasesAsync(IServiceProvider services, ResourceNotificationService notifications, CancellationToken ct)
    {
        // Unpooled, as the health check: an idle connection left in a pool would hold up the server's stop.
        var connectionString = new NpgsqlConnectionStringBuilder(await _server.ConnectionStringExpression.GetValueAsync(ct))
        {
            Database = "postgres",
            Pooling = false,
        };
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync(ct);
        foreach (var database in _server.Databases)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.DatabaseName });
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                var quoted = "\"" + database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
                await create.ExecuteNonQueryAsync(ct);
            }

            var databaseConnection = new NpgsqlConnectionStringBuilder(connectionString.ConnectionString) { Database = database.DatabaseName };
            foreach (var initialize in database.Initializers)
            {
                await initialize(new(database, databaseConnection.ConnectionString, services, ct));
            }

            // The orchestrator publishes no state for children of an executable: without this, WaitFor never returns.
            await notifications.PublishUpdateAsync(database, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        }
    }

    private ILogger Logger(IServiceProvider services) => services.GetRequiredService<ResourceLoggerService>().GetLogger(_server);
}
