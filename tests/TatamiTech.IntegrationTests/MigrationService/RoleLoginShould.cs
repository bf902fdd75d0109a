using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.MigrationService;

namespace TatamiTech.IntegrationTests.MigrationService;

/// <summary>
/// The services' roles on a managed server whose owner may not create or alter roles (no <c>CREATEROLE</c>): an
/// operator created them first, with their logins.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class RoleLoginShould(StackFixture stack)
{
    private const string Verifiers =
        "SELECT rolname || ' ' || coalesce(rolpassword, '-') FROM pg_authid WHERE rolname IN ('tatami_app', 'tatami_platform') ORDER BY 1";

    [Fact]
    public async Task MigrateAsAnOwnerWithoutCreateRoleAndLeaveTheRolesLoginsAsTheOperatorMadeThem()
    {
        var role = "owner_" + Guid.NewGuid().ToString("N")[..8];
        const string Password = "owner-without-createrole-0123456789";
        await OwnerSql.ExecuteAsync(stack.OwnerConnectionString, $"CREATE ROLE {role} LOGIN NOCREATEROLE PASSWORD '{Password}'");
        try
        {
            await using var scratch = new ScratchDatabase(stack);
            await OwnerSql.ExecuteAsync(stack.OwnerConnectionString, $"CREATE DATABASE {scratch.Name} OWNER {role}");
            var owner = new NpgsqlConnectionStringBuilder(scratch.Owner) { Username = role, Password = Password }.ConnectionString;
            var before = await scratch.QueryAsync(Verifiers);

            await MigrationServiceHost.RunAsync(owner, scratch.Runtime, platformConnectionString: await scratch.PlatformAsync());

            Assert.Equal(
                MigrationHistory.Known, await scratch.QueryAsync("""SELECT migration_id FROM "__EFMigrationsHistory" ORDER BY 1"""));
            Assert.Equal(2, before.Count);
            Assert.Equal(before, await scratch.QueryAsync(Verifiers));
        }
        finally
        {
            await OwnerSql.ExecuteAsync(stack.OwnerConnectionString, $"DROP ROLE IF EXISTS {role}");
        }
    }
}
