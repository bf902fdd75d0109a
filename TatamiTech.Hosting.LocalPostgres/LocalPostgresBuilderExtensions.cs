using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TatamiTech.Hosting.LocalPostgres;

namespace Aspire.Hosting;

/// <summary>
/// Adds a PostgreSQL server from the OS packages to the app model, where <c>AddPostgres</c> would need a container
/// runtime: a cluster created by initdb, a port chosen by the orchestrator (read by the server from PGPORT), a health
/// check, databases created when it is healthy, state and logs in the dashboard. Run mode only: a published model
/// describes no server of this machine.
/// </summary>
public static class LocalPostgresBuilderExtensions
{
    /// <param name="installation">The server's programs; by default the newest the OS packages installed.</param>
    /// <param name="password">The owner's password; by default a generated <c>&lt;name&gt;-password</c> parameter.</param>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        LocalPostgresInstallation? installation = null,
        IResourceBuilder<ParameterResource>? password = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        installation ??= LocalPostgresInstallation.Find() ?? throw new DistributedApplicationException(
            "No PostgreSQL server is installed (/usr/lib/postgresql/*/bin, PATH): install the OS package 'postgresql'.");
        var folder = LocalPostgresDataRoot.FolderName(builder.Environment.ApplicationName);
        var server = new LocalPostgresServerResource(
            name,
            installation,
            password?.Resource ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password"),
            LocalPostgresDataRoot.Default(folder),
            LocalPostgresDataRoot.DefaultPersistent(folder));

        var resource = builder.AddResource(server);
        var lifecycle = new LocalPostgresLifecycle(resource);
        lifecycle.Subscribe(builder.Eventing);
        return resource
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp", env: "PGPORT")
            .WithArgs(context =>
            {
                var data = lifecycle.DataDirectory;
                string[] serverArgs =
                [
                    "-D", data, "-k", data, "-c", "listen_addresses=localhost", "-c", "max_connections=200",
                    .. server.Settings.SelectMany(setting => new[] { "-c", $"{setting.Key}={setting.Value}" }),
                ];
                var (_, args) = installation.AsServerUser(installation.Postgres, serverArgs);
                foreach (var arg in args)
                {
                    context.Args.Add(arg);
                }
            })
            .WithEnvironment(context =>
            {
                // Run as the postgres user, the server keeps this process's HOME, where the client library of its own
                // connections to other servers (Citus's, postgres_fdw's) would look for ~/.postgresql and be refused.
                if (LocalPostgresInstallation.RunsAsPostgresUser)
                {
                    context.EnvironmentVariables["HOME"] = lifecycle.RunDirectory;
                }
            })
            .WithReadiness()
            .ExcludeFromManifest();
    }

    /// <summary>A database on the server, created once the server is healthy (if it does not exist yet).</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.DatabaseList.Add(database);
        return builder.ApplicationBuilder.AddResource(database)
            .WithParentRelationship(builder.Resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new(CustomResourceKnownProperties.Source, builder.Resource.Name)],
            })
            .WithReadiness()
            .ExcludeFromManifest();
    }

    /// <summary>A server setting on its command line (<c>-c name=value</c>), such as a library to preload.</summary>
    public static IResourceBuilder<LocalPostgresServerResource> WithSetting(
        this IResourceBuilder<LocalPostgresServerResource> builder, string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        builder.Resource.Settings.Add(new(name, value));
        return builder;
    }

    /// <summary>
    /// Work on the database once it exists and before it is marked running (an extension to create, a cluster to
    /// join), on every start: it must be safe to repeat on a kept cluster.
    /// </summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> WithInitializer(
        this IResourceBuilder<LocalPostgresDatabaseResource> builder, Func<LocalPostgresDatabaseInitialization, Task> initialize)
    {
        ArgumentNullException.ThrowIfNull(initialize);
        builder.Resource.Initializers.Add(initialize);
        return builder;
    }

    /// <summary>
    /// Where the server's clusters go, throw-away and persistent alike, instead of the defaults: a directory of this
    /// user's own for throw-away clusters, this user's data directory for the persistent one.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> WithDataRoot(
        this IResourceBuilder<LocalPostgresServerResource> builder, string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        builder.Resource.DataRoot = builder.Resource.PersistentDataRoot = Path.GetFullPath(root);
        return builder;
    }

    /// <summary>
    /// Keeps the cluster between runs, as <c>WithDataVolume</c> keeps a container's data: <c>kept-&lt;name&gt;</c>, by
    /// default named after the AppHost's path, so two checkouts on one machine keep one each. A run holds it with a
    /// lock; a second run of the same AppHost at the same time gets a throw-away cluster.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> WithPersistentData(
        this IResourceBuilder<LocalPostgresServerResource> builder, string? name = null)
    {
        var appHost = builder.ApplicationBuilder.Configuration["AppHost:Sha256"];
        builder.Resource.PersistentDataName = name ?? (appHost is { Length: >= 12 } ? appHost[..12].ToLowerInvariant() : "apphost");
        return builder;
    }

    private static IResourceBuilder<T> WithReadiness<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithConnectionString
    {
        var key = $"{builder.Resource.Name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(
            new HealthCheckRegistration(key, _ => new LocalPostgresReadiness(builder.Resource), failureStatus: null, tags: null));
        return builder.WithHealthCheck(key);
    }
}
