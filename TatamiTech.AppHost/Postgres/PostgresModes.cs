using TatamiTech.Hosting.LocalPostgres;

namespace TatamiTech.AppHost.Postgres;

/// <summary>Reads <c>Postgres:Mode</c> and settles it on a server this run can have, or says what is missing.</summary>
internal static class PostgresModes
{
    private const string ModeKey = TatamiDatabaseExtensions.ModeKey;

    public static PostgresMode Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return PostgresMode.Auto;
        }

        return Enum.TryParse<PostgresMode>(value, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new DistributedApplicationException($"{ModeKey} is '{value}'; use auto, container, local, citus or external.");
    }

    /// <summary>Container or local, for a mode other than external.</summary>
    public static PostgresMode Choose(IDistributedApplicationBuilder builder, PostgresMode mode)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            // A published model never runs a server from this machine's packages, and the machine that
            // publishes needs no container runtime: the container is described, not started.
            return mode is PostgresMode.Local or PostgresMode.Citus
                ? throw new DistributedApplicationException(
                    $"{ModeKey}={mode.ToString().ToLowerInvariant()} cannot be published: use container (the default) or external.")
                : PostgresMode.Container;
        }

        var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
        switch (mode)
        {
            case PostgresMode.Container:
                var (healthy, detail) = ContainerRuntimeProbe.Check(runtime);
                return healthy
                    ? PostgresMode.Container
                    : throw new DistributedApplicationException(
                        $"{ModeKey} is 'container' but no container runtime is usable ({detail}). " +
                        $"Start Docker (or Podman with ASPIRE_CONTAINER_RUNTIME=podman), or set {ModeKey}=local " +
                        "with the OS package 'postgresql' installed.");

            case PostgresMode.Local or PostgresMode.Citus:
                return mode;

            default:
                if (ContainerRuntimeProbe.Check(runtime).Healthy)
                {
                    return PostgresMode.Container;
                }

                return TatamiDatabaseExtensions.LocalInstallation(builder) is not null
                    ? PostgresMode.Local
                    : throw new DistributedApplicationException(
                        "No way to run Postgres: no container runtime answers and no PostgreSQL server is installed. " +
                        "Install Docker, or the OS package 'postgresql' (sudo apt-get install postgresql).");
        }
    }
}
