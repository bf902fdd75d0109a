namespace TatamiTech.AppHost.Postgres;

/// <summary>How the AppHost provides Postgres; set with <c>Postgres:Mode</c>.</summary>
public enum PostgresMode
{
    /// <summary>A container where a container runtime is healthy, else the local server.</summary>
    Auto,

    /// <summary>The Postgres container of Aspire.Hosting.PostgreSQL.</summary>
    Container,

    /// <summary>A PostgreSQL server from the OS packages, run as an executable resource.</summary>
    Local,
}
