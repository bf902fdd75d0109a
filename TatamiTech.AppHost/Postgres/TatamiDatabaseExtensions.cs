using Microsoft.Extensions.Configuration;

namespace TatamiTech.AppHost.Postgres;

internal static class TatamiDatabaseExtensions
{
    public const string ModeKey = "Postgres:Mode";
    public const string BinDirectoryKey = "Postgres:BinDirectory";
    public const string DataRootKey = "Postgres:DataRoot";

    /// <summary>
    /// The application database, the same shape either way: a resource named
    /// <see cref="ResourceNames.Database"/> that services reference and wait for.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddTatamiDatabase(this IDistributedApplicationBuilder builder)
    {
        var mode = ParseMode(builder.Configuration[ModeKey]);
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

    private static IResourceBuilder<IResourceWithConnectionString> AddContainer(IDistributedApplicationBuilder builder) =>
        builder.AddPostgres(ResourceNames.Postgres)
            .WithDataVolume()
            .AddDatabase(ResourceNames.Database);

    private static IResourceBuilder<IResourceWithConnectionString> AddLocal(
        IDistributedApplicationBuilder builder, LocalPostgresInstallation installation)
    {
        var dataRoot = builder.Configuration[DataRootKey] ?? LocalPostgresDataDirectory.DefaultRoot;
        return builder.AddLocalPostgres(ResourceNames.Postgres, installation, dataRoot)
            .AddDatabase(ResourceNames.Database);
    }

    private static PostgresMode ParseMode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return PostgresMode.Auto;
        }

        return Enum.TryParse<PostgresMode>(value, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new DistributedApplicationException($"{ModeKey} is '{value}'; use auto, container or local.");
    }

    private static DistributedApplicationException NoLocalServer(IDistributedApplicationBuilder builder) => new(
        $"{ModeKey} is 'local' but no PostgreSQL server was found " +
        $"({BinDirectoryKey}='{builder.Configuration[BinDirectoryKey]}', /usr/lib/postgresql/*/bin, PATH). " +
        "Install the OS package 'postgresql' (sudo apt-get install postgresql), or set Postgres:BinDirectory.");
}
