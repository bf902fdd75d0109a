namespace TatamiTech.AppHost.Postgres;

/// <summary>How the AppHost provides Postgres; set with <c>Postgres:Mode</c>.</summary>
public enum PostgresMode
{
    /// <summary>A container where a container runtime is healthy, else the local server.</summary>
    Auto,

    /// <summary>The Postgres container of Aspire.Hosting.PostgreSQL.</summary>
    Container,

    /// <summary>A PostgreSQL server from the OS packages, run as an executable resource. Never published.</summary>
    Local,

    /// <summary>
    /// A local Citus cluster: a coordinator and two workers, each a server from the OS packages with the Citus
    /// extension (built once by tools/install-citus.sh). Never published.
    /// </summary>
    Citus,

    /// <summary>
    /// A server the platform runs (a managed Postgres, a Citus coordinator): three connection strings,
    /// <c>ConnectionStrings:tatamidb</c> (owner), <c>:tatamidb-runtime</c> and <c>:tatamidb-platform</c>,
    /// each a secret parameter of the published model.
    /// </summary>
    External,
}
