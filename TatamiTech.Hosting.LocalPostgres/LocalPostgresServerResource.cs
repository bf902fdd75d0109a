using TatamiTech.Hosting.LocalPostgres;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A PostgreSQL server from the OS packages, run by the orchestrator as an executable: the local counterpart of
/// the Postgres container, for a machine without a container runtime.
/// </summary>
public sealed class LocalPostgresServerResource : ExecutableResource, IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    /// <summary>The cluster's owner, as the container's default user.</summary>
    public const string UserName = "postgres";

    private EndpointReference? _primaryEndpoint;

    internal LocalPostgresServerResource(
        string name, LocalPostgresInstallation installation, ParameterResource password, string dataRoot, string persistentDataRoot)
        : base(name, installation.AsServerUser(installation.Postgres).Command, dataRoot)
    {
        Installation = installation;
        PasswordParameter = password;
        DataRoot = dataRoot;
        PersistentDataRoot = persistentDataRoot;
    }

    public LocalPostgresInstallation Installation { get; }

    public ParameterResource PasswordParameter { get; }

    /// <summary>Where a throw-away cluster goes, one per run.</summary>
    public string DataRoot { get; internal set; }

    /// <summary>Where the persistent cluster goes: a directory the system keeps, unlike the temporary one.</summary>
    public string PersistentDataRoot { get; internal set; }

    /// <summary>The cluster kept between runs (<c>kept-&lt;name&gt;</c>); null for a throw-away cluster every run.</summary>
    public string? PersistentDataName { get; internal set; }

    public IReadOnlyList<LocalPostgresDatabaseResource> Databases => DatabaseList;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};" +
        $"Username={UserName};Password={PasswordParameter}");

    internal List<LocalPostgresDatabaseResource> DatabaseList { get; } = [];

    /// <summary>Server settings given on its command line (<c>-c name=value</c>), after the defaults.</summary>
    internal List<KeyValuePair<string, string>> Settings { get; } = [];
}
