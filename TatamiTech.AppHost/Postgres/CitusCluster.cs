using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.Hosting.LocalPostgres;
using TatamiTech.Names;

namespace TatamiTech.AppHost.Postgres;

/// <summary>
/// <c>Postgres:Mode=citus</c>: a Citus cluster on this machine, a coordinator and two workers, each a server from the
/// OS packages with the Citus extension preloaded and its own resource in the dashboard. The application database
/// exists on every node with the extension; the coordinator's is the one the services use, and it is marked running
/// only once both workers have joined the cluster. Each run gets fresh clusters: the workers' ports change from run
/// to run, which a kept coordinator's node list would not follow.
/// </summary>
internal static class CitusCluster
{
    /// <summary>Citus's two-phase commit of a write on several nodes needs prepared transactions.</summary>
    private const string MaxPreparedTransactions = "100";

    /// <summary>
    /// Some PostgreSQL builds (this machine's Debian 15.20) allow only listed libraries as logical decoding output
    /// plugins; Citus moves and splits shards while the academy keeps writing through its own plugin.
    /// </summary>
    private const string OutputPluginLibraries = "output_plugin_libraries";

    public static (IResourceBuilder<IResourceWithConnectionString>, EndpointReference) Add(IDistributedApplicationBuilder builder)
    {
        var installation = TatamiDatabaseExtensions.LocalInstallation(builder) ?? throw TatamiDatabaseExtensions.NoLocalServer(builder);
        if (!installation.HasExtensionLibrary("citus"))
        {
            throw new DistributedApplicationException(
                $"{TatamiDatabaseExtensions.ModeKey}=citus but the PostgreSQL server in {installation.BinDirectory} has no Citus " +
                "extension. Build and install it once with tools/install-citus.sh (docs/local-postgres.md).");
        }

        var password = builder.AddParameter(
            ResourceNames.PostgresPassword, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var workers = ResourceNames.CitusWorkers
            .Select(name => Node(builder, name, installation, password)
                .AddDatabase($"{ResourceNames.OwnerDatabase}-{name}", ResourceNames.OwnerDatabase)
                .WithInitializer(CreateExtensionAsync)
                .WithInitializer(context => StoreOwnerPasswordAsync(context, password.Resource)))
            .ToList();

        var coordinator = Node(builder, ResourceNames.Postgres, installation, password);
        var database = coordinator.AddDatabase(ResourceNames.OwnerDatabase)
            .WithInitializer(CreateExtensionAsync)
            .WithInitializer(context => StoreOwnerPasswordAsync(context, password.Resource))
            .WithInitializer(context => AddWorkersAsync(context, coordinator.Resource, [.. workers.Select(w => w.Resource)]));
        return (database, coordinator.Resource.PrimaryEndpoint);
    }

    private static IResourceBuilder<LocalPostgresServerResource> Node(
        IDistributedApplicationBuilder builder, string name, LocalPostgresInstallation installation, IResourceBuilder<ParameterResource> password)
    {
        var node = builder.AddLocalPostgres(name, installation, password)
            .WithSetting("shared_preload_libraries", "citus")
            .WithSetting("max_prepared_transactions", MaxPreparedTransactions)
            // A shard moves (or splits off one academy) by logical replication, so the academy keeps writing meanwhile.
            .WithSetting("wal_level", "logical")
            .WithConfiguredDataRoot();
        return installation.KnowsSetting(OutputPluginLibraries)
            ? node.WithSetting(OutputPluginLibraries, "pgoutput,test_decoding,citus")
            : node;
    }

    private static async Task CreateExtensionAsync(LocalPostgresDatabaseInitialization context) =>
        await ExecuteAsync(context.ConnectionString, "CREATE EXTENSION IF NOT EXISTS citus", context.CancellationToken);

    /// <summary>
    /// The owner's password for the connections this node opens to the others (Citus's pg_dist_authinfo, as the servers
    /// ask for passwords): the coordinator's to every node, and a worker's own when it copies a moving shard from
    /// another worker by logical replication. The services' roles get theirs when the migration service sets their
    /// passwords.
    /// </summary>
    private static async Task StoreOwnerPasswordAsync(LocalPostgresDatabaseInitialization context, ParameterResource password)
    {
        var secret = await password.GetValueAsync(context.CancellationToken) ?? string.Empty;
        await using var connection = new NpgsqlConnection(context.ConnectionString);
        await connection.OpenAsync(context.CancellationToken);
        await using var authinfo = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("DELETE FROM pg_dist_authinfo WHERE nodeid = 0 AND rolename = current_user"),
                new("INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, current_user, 'password=' || $1)")
                {
                    Parameters = { new() { Value = secret } },
                },
            },
        };
        await authinfo.ExecuteNonQueryAsync(context.CancellationToken);
    }

    /// <summary>Once each worker's database has the extension: the coordinator's own address, then the workers.</summary>
    private static async Task AddWorkersAsync(
        LocalPostgresDatabaseInitialization context,
        LocalPostgresServerResource coordinator,
        IReadOnlyList<LocalPostgresDatabaseResource> workers)
    {
        var ct = context.CancellationToken;
        var notifications = context.Services.GetRequiredService<ResourceNotificationService>();
        foreach (var worker in workers)
        {
            await notifications.WaitForResourceAsync(worker.Name, KnownResourceStates.Running, ct);
        }

        await using var connection = new NpgsqlConnection(context.ConnectionString);
        await connection.OpenAsync(ct);
        await using (var self = new NpgsqlCommand("SELECT citus_set_coordinator_host('localhost', $1)", connection))
        {
            self.Parameters.Add(new() { Value = coordinator.PrimaryEndpoint.Port });
            await self.ExecuteNonQueryAsync(ct);
        }

        foreach (var worker in workers)
        {
            await using var add = new NpgsqlCommand("SELECT citus_add_node('localhost', $1)", connection);
            add.Parameters.Add(new() { Value = worker.Parent.PrimaryEndpoint.Port });
            await add.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
