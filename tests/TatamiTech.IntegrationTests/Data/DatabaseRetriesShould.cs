using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Data;

/// <summary>
/// How long each service waits for a database that does not answer, as its own container resolves it under
/// the configuration it ships with: a request gives up within seconds (3 s to connect, 2 retries at most
/// 1 s apart) and is answered 503; the roster job can afford Npgsql's 15 s and 6 retries up to 30 s apart.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DatabaseRetriesShould(StackFixture stack)
{
    [Fact]
    public async Task GiveUpWithinSecondsInTheApi()
    {
        await using var api = new InProcessApi(stack);

        var (connectTimeout, strategy) = Resolved(api.Services);

        Assert.Equal(3, connectTimeout);
        Assert.Equal(2, strategy.MaxRetryCount);
        Assert.Equal(TimeSpan.FromSeconds(1), strategy.MaxRetryDelay);
    }

    [Fact]
    public async Task KeepRetryingForLongerInTheWorker()
    {
        await using var worker = new InProcessWorker(stack);

        var (connectTimeout, strategy) = Resolved(worker.Services);

        Assert.Equal(15, connectTimeout);
        Assert.Equal(6, strategy.MaxRetryCount);
        Assert.Equal(TimeSpan.FromSeconds(30), strategy.MaxRetryDelay);
    }

    private static (int ConnectTimeout, ExecutionStrategy Strategy) Resolved(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TatamiDbContext>();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var strategy = Assert.IsAssignableFrom<ExecutionStrategy>(db.Database.CreateExecutionStrategy());
        return (connection.ConnectionTimeout, strategy);
    }
}
