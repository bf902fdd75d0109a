using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using TatamiTech.AppHost.Postgres;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// The container path's data, read from the app model (no container engine needed to build it): F5 keeps
/// its data in a volume, the suite never mounts it.
/// </summary>
public sealed class PostgresContainerShould
{
    [Fact]
    public void KeepDataInAVolumeByDefault()
    {
        Assert.Single(Mounts([]), m => m.Type == ContainerMountType.Volume && m.Target.StartsWith("/var/lib/postgresql", StringComparison.Ordinal));
    }

    [Fact]
    public void MountNoVolumeWhenTheDataNeedNotBeKept()
    {
        Assert.Empty(Mounts(["--Postgres:KeepData=false"]));
    }

    private static List<ContainerMountAnnotation> Mounts(string[] args)
    {
        var builder = DistributedApplication.CreateBuilder(args);
        TatamiDatabaseExtensions.AddContainer(builder);
        var server = builder.Resources.Single(r => r.Name == ResourceNames.Postgres);
        return [.. server.Annotations.OfType<ContainerMountAnnotation>()];
    }
}
