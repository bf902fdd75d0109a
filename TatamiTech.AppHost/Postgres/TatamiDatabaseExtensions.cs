using Microsoft.Extensions.Configuration;
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
    /// The application database, the same shape in either mode: the database resource
    /// (<see cref="ResourceNames.OwnerDatabase"/>, the owner) and connection strings for the runtime role
    /// (<see cref="ResourceNames.RuntimeDatabase"/>) and the platform role (<see cref="ResourceNames.PlatformDatabase"/>)
    /// on the same server, each with its own generated password.
    /// </summary>
    public static TatamiDatabase AddTatamiDatabase(this IDistributedApplicationBuilder builder)
    {
        if (ParseMode(builder.Configuration[ModeKey]) == PostgresMode.External)
        {
            // The roles, their passwords and the database exist already; the migration service still migrates
            // as the owner and enables the roles' logins with the passwords their connection strings carry.
            return new TatamiDatabase(
                builder.AddConnectionString(ResourceNames.OwnerDatabase),
                builder.AddConnectionString(ResourceNames.RuntimeDatabase),
                builder.AddConnectionString(ResourceNames.PlatformDatabase));
        }

        var (owner, endpoint) = AddOwnerDatabase(builder);
        var runtime = AddRoleConnection(
            builder, endpoint, ResourceNames.RuntimeDatabase, ResourceNames.RuntimeRolePassword, DatabaseRoles.Runtime);
        var platform = AddRoleConnection(
            builder, endpoint, ResourceNames.PlatformDatabase, ResourceNames.PlatformRolePassword, DatabaseRoles.Platform);
        return new TatamiDatabase(owner, runtime, platform);
    }

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

    private static (IResourceBuilder<IResourceWithConnectionString> Database, EndpointReference Server) AddOwnerDatabase(
        IDistributedApplicationBuilder builder)
    {
        var mode = ParseMode(builder.Configuration[ModeKey]);
        if (builder.ExecutionContext.IsPublishMode)
        {
            // A published model never runs a server from this machine's packages, and the machine that
            // publishes needs no container runtime: the container is described, not started.
            return mode == PostgresMode.Local
                ? throw new DistributedApplicationException(
                    $"{ModeKey}=local cannot be published: use container (the default) or external.")
                : AddContainer(builder);
        }

        var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
        var installation = LocalPostgresInstallation.Find(builder.Configuration[BinDirectoryKey]);

        switch (mode)
        {
            case PostgresMode.Container:
                var (healthy, detail) = ContainerRuntimeProbe.Check(runtime);
                if (!healthy)
                {
                    throw new DistributedApplicationException(
                        $"{ModeKey} is 'container' but no container runtime is usable ({detail}). " +
                        $"Start Docker (or Podman with ASPIRE_CONTAINER_RUNTIME=podman), or set {ModeKey}=local " +
                        "with the OS package 'postgresql' installed.");
                }

                return AddContainer(builder);

            case PostgresMode.Local:
                return AddLocal(builder, installation ?? throw NoLocalServer(builder));

            default:
                if (ContainerRuntimeProbe.Check(runtime).Healthy)
                {
                    return AddContainer(builder);
                }

                return installation is not null
                    ? AddLocal(builder, installation)
                    : throw new DistributedApplicationException(
                        "No way to run Postgres: no container runtime answers and no PostgreSQL server is installed. " +
                        "Install Docker, or the OS package 'postgresql' (sudo apt-get install postgresql).");
        }
    }

    internal static (IResourceBuilder<IResourceWithConnectionString>, EndpointReference) AddContainer(
        IDistributedApplicationBuilder builder)
    {
        var server = builder.AddPostgres(ResourceNames.Postgres);
        if (builder.Configuration.GetValue(KeepDataKey, defaultValue: true))
        {
            server.WithDataVolume();
        }

        return (server.AddDatabase(ResourceNames.OwnerDatabase), server.Resource.PrimaryEndpoint);
    }

    private static (IResourceBuilder<IResourceWithConnectionString>, EndpointReference) AddLocal(
        IDistributedApplicationBuilder builder, LocalPostgresInstallation installation)
    {
        var dataRoot = builder.Configuration[DataRootKey];
        (string, string)? kept = KeptClusterName(builder) is { } name
            ? (dataRoot ?? LocalPostgresDataDirectory.DefaultKeptRoot, name)
            : null;
        var server = builder.AddLocalPostgres(
            ResourceNames.Postgres, installation, dataRoot ?? LocalPostgresDataDirectory.DefaultRoot, kept);
        return (server.AddDatabase(ResourceNames.OwnerDatabase), server.Resource.PrimaryEndpoint);
    }

    /// <summary>
    /// One kept cluster per AppHost, as Aspire names the container's volume: after the AppHost's path, so two
    /// checkouts on one machine keep a cluster each. Null when the database goes with the run.
    /// </summary>
    private static string? KeptClusterName(IDistributedApplicationBuilder builder) =>
        builder.Configuration.GetValue(KeepDataKey, defaultValue: true)
            ? builder.Configuration["AppHost:Sha256"] is { Length: >= 12 } sha ? sha[..12].ToLowerInvariant() : "apphost"
            : null;

    private static PostgresMode ParseMode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return PostgresMode.Auto;
        }

        return Enum.TryParse<PostgresMode>(value, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new DistributedApplicationException($"{ModeKey} is '{value}'; use auto, container, local or external.");
    }

    private static DistributedApplicationException NoLocalServer(IDistributedApplicationBuilder builder) => new(
        $"{ModeKey} is 'local' but no PostgreSQL server was found " +
        $"({BinDirectoryKey}='{builder.Configuration[BinDirectoryKey]}', /usr/lib/postgresql/*/bin, PATH). " +
        "Install the OS package 'postgresql' (sudo apt-get install postgresql), or set Postgres:BinDirectory.");
}
