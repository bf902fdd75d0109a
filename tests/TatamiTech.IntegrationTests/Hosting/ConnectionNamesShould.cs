using TatamiTech.AppHost.Postgres;
using TatamiTech.Data;
using TatamiTech.Data.Wall;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>The AppHost cannot reference the data layer, so its copies of these names are held equal here.</summary>
public sealed class ConnectionNamesShould
{
    [Fact]
    public void MatchWhatTheServicesRead()
    {
        Assert.Equal(DataExtensions.ConnectionName, ServiceConnectionNames.Runtime);
        Assert.Equal(DataExtensions.MigrationConnectionName, ServiceConnectionNames.Migrations);
        Assert.Equal(DatabaseWall.RuntimeRole, ServiceConnectionNames.RuntimeRole);
    }
}
