using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace TatamiTech.Data.Wall;

/// <summary>
/// The one statement that puts an academy in a transaction's scope for row-level security, in each shape its
/// callers send it: ahead of an EF Core command's text, as the first command of a batch, as a command of its
/// own. No academy is <c>null</c> here and SQL NULL in the database, where it sees no row and writes none.
/// </summary>
public static class TenantSetting
{
    /// <summary>The named parameter of the form EF Core commands are led by.</summary>
    internal const string ParameterName = "tenant_wall";

    /// <summary>Leads an EF Core command's text, in the same round trip and transaction.</summary>
    internal const string CommandPrefix = $"CALL {DatabaseWall.SetTenantProcedure}(@{ParameterName});\n";

    // Positional, so Npgsql sends the text as it is, without rewriting it each time.
    private const string Positional = $"CALL {DatabaseWall.SetTenantProcedure}($1)";

    /// <summary>The parameter of <see cref="CommandPrefix"/>.</summary>
    internal static NpgsqlParameter Parameter(Guid? academyId) => new(ParameterName, NpgsqlDbType.Uuid) { Value = Value(academyId) };

    /// <summary>Gives a command already led by <see cref="CommandPrefix"/> the academy in scope now.</summary>
    internal static void Assign(DbParameter parameter, Guid? academyId) => parameter.Value = Value(academyId);

    /// <summary>The first command of a batch whose other commands run with the academy in scope.</summary>
    public static NpgsqlBatchCommand ForBatch(Guid? academyId) => new(Positional) { Parameters = { PositionalParameter(academyId) } };

    /// <summary>A command of its own, for a transaction whose later commands run with the academy in scope.</summary>
    public static NpgsqlCommand For(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid? academyId) =>
        new(Positional, connection, transaction) { Parameters = { PositionalParameter(academyId) } };

    private static NpgsqlParameter PositionalParameter(Guid? academyId) =>
        new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = Value(academyId) };

    private static object Value(Guid? academyId) => academyId is { } id ? id : DBNull.Value;
}
