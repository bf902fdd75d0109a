using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.MigrationService;

namespace TatamiTech.IntegrationTests.MigrationService;

/// <summary>What the migration service knows of the migrations without EF Core: which exist, and which a database lacks.</summary>
[Collection(StackCollection.Name)]
public sealed class MigrationHistoryShould(StackFixture stack)
{
    [Fact]
    public void FindTheMigrationsEfCoreFinds() => Assert.Equal(new DesignTimeMigrations().All, MigrationHistory.Known);

    [Fact]
    public async Task SeeWhichMigrationsADatabaseLacksWithoutEfCore()
    {
        await using var migrated = new NpgsqlConnection(stack.OwnerConnectionString);
        await migrated.OpenAsync();
        Assert.Empty(await MigrationHistory.PendingAsync(migrated, CancellationToken.None));

        // One row gone, seen only inside this transaction: that migration is pending.
        var last = MigrationHistory.Known[^1];
        await using (var transaction = await migrated.BeginTransactionAsync())
        {
            await using var delete = new NpgsqlCommand("""DELETE FROM "__EFMigrationsHistory" WHERE migration_id = $1""", migrated);
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = last });
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
            Assert.Equal([last], await MigrationHistory.PendingAsync(migrated, CancellationToken.None));
            await transaction.RollbackAsync();
        }

        // A database without the history table lacks them all.
        var emptyDatabase = new NpgsqlConnectionStringBuilder(stack.OwnerConnectionString) { Database = "postgres" };
        await using var empty = new NpgsqlConnection(emptyDatabase.ConnectionString);
        await empty.OpenAsync();
        Assert.NotEmpty(MigrationHistory.Known);
        Assert.Equal(MigrationHistory.Known, await MigrationHistory.PendingAsync(empty, CancellationToken.None));
    }
}
