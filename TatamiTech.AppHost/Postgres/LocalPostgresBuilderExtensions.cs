using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TatamiTech.AppHost.Postgres;

/// <summary>
/// Runs the OS package's PostgreSQL server as an Aspire resource: its data directory
/// (<see cref="LocalPostgresDataDirectory"/>: the cluster this AppHost keeps between runs, or a throw-away one),
/// created by initdb when new (<see cref="LocalPostgresCluster"/>), a port chosen by DCP (read by the server from
/// PGPORT), a health check, databases created when it is healthy (<see cref="LocalPostgresDatabases"/>), state
/// and logs in the dashboard, and a throw-away directory removed when the AppHost stops.
/// </summary>
internal static class LocalPostgresBuilderExtensions
{
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(15);

    /// <summary>How long a killed run's orchestrator gets to stop its server before this run stops it.</summary>
    private static readonly TimeSpan s_leftoverGrace = TimeSpan.FromSeconds(5);

    /// <param name="dataRoot">Where throw-away clusters go.</param>
    /// <param name="kept">The cluster kept between runs (one per AppHost), or null for a throw-away one every run.</param>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder,
        string name,
        LocalPostgresInstallation installation,
        string dataRoot,
        (string Root, string Name)? kept)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        var startupNotes = new List<string>();
        var runAsPostgresUser = Environment.IsPrivilegedProcess;
        var command = runAsPostgresUser ? "setpriv" : installation.Postgres;
        var server = new LocalPostgresServerResource(name, command, Path.GetFullPath(dataRoot), password);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct));

        // The directory is chosen when the app starts, not when its model is built: a model that only publishes, or
        // a test that only reads it, takes no cluster. initdb (about 2 s, and only for a new cluster) starts with
        // the app, beside DCP's own start-up, rather than when the server is about to start; the server's start
        // waits for it. A restart from the dashboard finds the cluster made.
        LocalPostgresDataDirectory? data = null;
        Task? initialization = null;
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, ct) =>
        {
            // A model whose server was taken out (a test that starts something else) takes no cluster either.
            if (!@event.Model.Resources.Contains(server))
            {
                return Task.CompletedTask;
            }

            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            var chosen = data = (kept is { } k ? LocalPostgresDataDirectory.TryKeep(k.Root, k.Name, s_stopGrace, startupNotes.Add) : null)
                ?? LocalPostgresDataDirectory.CreateForThisRun(dataRoot, startupNotes.Add);
            initialization = Task.Run(async () =>
            {
                if (chosen.Kept)
                {
                    chosen.StopLeftoverServer(s_leftoverGrace, note => logger.LogInformation("{Note}", note));
                }

                var secret = await password.GetValueAsync(ct) ?? string.Empty;
                await LocalPostgresCluster.InitializeAsync(installation, chosen, secret, runAsPostgresUser, logger, ct);
            }, ct);
            return Task.CompletedTask;
        });

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, ct) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            foreach (var note in startupNotes)
            {
                logger.LogInformation("{Note}", note);
            }

            try
            {
                var initialized = initialization ?? throw new InvalidOperationException("The app started without BeforeStartEvent.");
                await initialized.WaitAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not initialize the data directory {DataDirectory}", data?.DataDirectory);
                var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
                await LocalPostgresDatabases.FailAsync(LocalPostgresDatabases.Of(builder, server), notifications);
                throw;
            }
        });

        builder.Eventing.Subscribe<ResourceReadyEvent>(server, (@event, ct) => LocalPostgresDatabases.CreateAsync(
            LocalPostgresDatabases.Of(builder, server),
            connectionString!,
            @event.Services.GetRequiredService<ResourceNotificationService>(),
            ct));

        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((@event, _) =>
        {
            var lifetime = @event.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStopped.Register(() => data?.Remove(s_stopGrace));
            return Task.CompletedTask;
        });

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new LocalPostgresReadiness(() =>
                (connectionString ?? throw new InvalidOperationException("The server has no connection string yet.")) +
                ";Database=postgres;Pooling=false"),
            failureStatus: null,
            tags: null));

        return builder.AddResource(server)
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp", env: "PGPORT")
            .WithArgs(context =>
            {
                if (runAsPostgresUser)
                {
                    foreach (var arg in LocalPostgresServerResource.AsPostgresUser)
                    {
                        context.Args.Add(arg);
                    }

                    context.Args.Add(installation.Postgres);
                }

                var directory = data?.DataDirectory
                    ?? throw new InvalidOperationException("The server starts before its directory was chosen.");
                foreach (var arg in new[] { "-D", directory, "-k", directory })
                {
                    context.Args.Add(arg);
                }

                context.Args.Add("-c");
                context.Args.Add("listen_addresses=localhost");
                context.Args.Add("-c");
                context.Args.Add("max_connections=200");
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

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
}
