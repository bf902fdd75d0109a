using Microsoft.Extensions.Configuration;
using TatamiTech.Hosting.LocalPostgres;
using TatamiTech.Names;

namespace TatamiTech.AppHost.Postgres;

internal static class TatamiDatabaseExtensions
{
    public const string ModeKey = "Postgres:Mode";
    public const string BinDirectoryKey = "Postgres:BinDirectory";
    public const string DataRootKey = "Postgres:DataRoot";

    /// <summary>
    /// Whether the database is kept between runs (the default, for F5): the container's data in a named volume,
    /// the local server's cluster in <c>kept-&lt;AppHost&gt;</c> under the data root. Either is named after the
    /// AppHost, so anything else that starts this AppHost, the test suite above all, sets it to false and gets a
    /// database of its own that goes with the run. A kept database is current at the next start, so the migration
    /// service has nothing to apply.
    /// </summary>
    public const string KeepDataKey = "Postgres:KeepData";

    /// <summary>
    /// The application database, the same shape in every mode: the database resource
    /// (<see cref="ResourceNames.OwnerDatabase"/>, the owner) and connection strings for the runtime role
    /// (<see cref="ResourceNames.RuntimeDatabase"/>), the platform role (<see cref="ResourceNames.PlatformDatabase"/>) and
    /// the identity role (<see cref="ResourceNames.IdentityDatabase"/>) on the same server, each with its own generated password.
    /// </summary>
    public static TatamiDatabase AddTatamiDatabase(this IDistributedApplicationBuilder builder)
    {
        var mode = PostgresModes.Parse(builder.Configuration[ModeKey]);
        if (mode == PostgresMode.External)
        {
            // The roles, their passwords and the database exist already; the migration service still migrates
            // as the owner and enables the roles' logins with the passwords their connection strings carry.
            return new TatamiDatabase(
                builder.AddConnectionString(ResourceNames.OwnerDatabase),
                builder.AddConnectionString(ResourceNames.RuntimeDatabase),
                builder.AddConnectionString(ResourceNames.PlatformDatabase),
                builder.AddConnectionString(ResourceNames.IdentityDatabase));
        }

        var (owner, endpoint) = PostgresModes.Choose(builder, mode) switch
        {
            PostgresMode.Local => AddLocal(builder),
            PostgresMode.Citus => CitusCluster.Add(builder),
            _ => AddContainer(builder),
        };
        var runtime = AddRoleConnection(
            builder, endpoint, ResourceNames.RuntimeDatabase, ResourceNames.RuntimeRolePassword, DatabaseRoles.Runtime);
        var platform = AddRoleConnection(
            builder, endpoint, ResourceNames.PlatformDatabase, ResourceNames.PlatformRolePassword, DatabaseRoles.Platform);
        var identity = AddRoleConnection(
            builder, endpoint, ResourceNames.IdentityDatabase, ResourceNames.IdentityRolePassword, DatabaseRoles.Identity);
        return new TatamiDatabase(owner, runtime, platform, identity);
    }

    internal static (IResourceBuilder<IResourceWithConnectionString>, EndpointReference) AddContainer(
        IDistributedApplicationBuilder builder)
    {
        var server = builder.AddPostgres(ResourceNames.Postgres);
        if (KeepData(builder))
        {
            server.WithDataVolume();
        }

        return (server.AddDatabase(ResourceNames.OwnerDatabase), server.Resource.PrimaryEndpoint);
    }

    internal static (IResourceBuilder<IResourceWithConnectionString>, EndpointReference) AddLocal(
        IDistributedApplicationBuilder builder)
    {
        var server = builder.AddLocalPostgres(ResourceNames.Postgres, LocalInstallation(builder) ?? throw NoLocalServer(builder))
            .WithConfiguredDataRoot();

        if (KeepData(builder))
        {
            server.WithPersistentData();
        }

        return (server.AddDatabase(ResourceNames.OwnerDatabase), server.Resource.PrimaryEndpoint);
    }

    /// <summary>Where a local server keeps its clusters: <see cref="DataRootKey"/> when set, else the library's default.</summary>
    internal static IResourceBuilder<LocalPostgresServerResource> WithConfiguredDataRoot(this IResourceBuilder<LocalPostgresServerResource> server) =>
        server.ApplicationBuilder.Configuration[DataRootKey] is { Length: > 0 } root ? server.WithDataRoot(root) : server;

    internal static LocalPostgresInstallation? LocalInstallation(IDistributedApplicationBuilder builder) =>
        LocalPostgresInstallation.Find(builder.Configuration[BinDirectoryKey]);

    internal static bool KeepData(IDistributedApplicationBuilder builder) => builder.Configuration.GetValue(KeepDataKey, defaultValue: true);

    private static IResourceBuilder<IResourceWithConnectionString> AddRoleConnection(
        IDistributedApplicationBuilder builder, EndpointReference endpoint, string name, string passwordName, string role)
    {
        var password = builder.AddParameter(
            passwordName,
            new GenerateParameterDefault { MinLength = 32, Special = false },
            secret: true,
            persist: true);
        return builder.AddConnectionString(
            name,
            ReferenceExpression.Create(
                $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};" +
                $"Username={role};Password={password.Resource};Database={ResourceNames.OwnerDatabase}"));
    }

    internal static DistributedApplicationException NoLocalServer(IDistributedApplicationBuilder builder) => new(
        $"{ModeKey} is 'local' but no PostgreSQL server was found " +
        $"({BinDirectoryKey}='{builder.Configuration[BinDirectoryKey]}', /usr/lib/postgresql/*/bin, PATH). " +
        "Install the OS package 'postgresql' (sudo apt-get install postgresql), or set Postgres:BinDirectory.");
}
