using System.Reflection;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using TatamiTech.Data;

namespace TatamiTech.MigrationService;

/// <summary>
/// Which of the migrations compiled into the data assembly the database has not applied, read without EF Core:
/// a start with the schema current then builds no model (about a third of the process's run). Read under the
/// migration lock (<see cref="MigrationLock"/>); anything pending goes to EF Core's own <c>MigrateAsync</c>.
/// </summary>
internal static class MigrationHistory
{
    /// <summary>The ids EF Core's migrations assembly finds: migrations of <see cref="TatamiDbContext"/>, in id order.</summary>
    public static IReadOnlyList<string> Known { get; } = typeof(TatamiDbContext).Assembly.GetTypes()
        .Where(type => type.IsSubclassOf(typeof(Migration)) && !type.IsAbstract
            && type.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(TatamiDbContext))
        .Select(type => type.GetCustomAttribute<MigrationAttribute>()?.Id)
        .OfType<string>()
        .Order(StringComparer.Ordinal)
        .ToList();

    public static async Task<IReadOnlyList<string>> PendingAsync(NpgsqlConnection owner, CancellationToken cancellationToken)
    {
        // The history table is EF Core's (its column named by the snake-case convention), found the way EF Core
        // finds it, through the search path; a database without it has applied nothing.
        await using var exists = new NpgsqlCommand("""SELECT to_regclass('"__EFMigrationsHistory"') IS NOT NULL""", owner);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return Known;
        }

        await using var command = new NpgsqlCommand("""SELECT migration_id FROM "__EFMigrationsHistory" """, owner);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(reader.GetString(0));
        }

        return Known.Where(id => !applied.Contains(id)).ToList();
    }
}
