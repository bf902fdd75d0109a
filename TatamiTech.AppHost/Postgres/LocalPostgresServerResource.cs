namespace TatamiTech.AppHost.Postgres;

/// <summary>A PostgreSQL server from the OS packages, run by DCP as an executable.</summary>
public sealed class LocalPostgresServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";
    public const string UserName = "postgres";

    /// <summary>
    /// setpriv's arguments to run a command as the postgres user: the server refuses to run as root, and
    /// setpriv replaces itself with the command (no fork), so DCP's stop signal reaches postgres directly.
    /// </summary>
    public static readonly string[] AsPostgresUser = ["--reuid=postgres", "--regid=postgres", "--init-groups", "--"];

    private EndpointReference? _primaryEndpoint;

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};" +
        $"Username={UserName};Password={PasswordParameter}");
}
