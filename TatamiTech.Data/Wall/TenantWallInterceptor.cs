using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TatamiTech.Data.Wall;

/// <summary>
/// Puts the tenant in scope in front of every command EF Core sends, in the same batch: one round trip,
/// and the setting lives only as long as the command's transaction, so a pooled connection never
/// carries it into another tenant's work. With no tenant in scope it sends NULL, which sees no rows.
/// The statement is <see cref="TenantSetting"/>'s.
/// </summary>
internal sealed class TenantWallInterceptor : DbCommandInterceptor
{
    public static readonly TenantWallInterceptor Instance = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Apply(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command,
        CommandEventData eventData,
        InterceptionResult<DbDataReader> result,
        CancellationToken cancellationToken = default)
    {
        Apply(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Apply(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Apply(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Apply(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Apply(command, eventData);
        return ValueTask.FromResult(result);
    }

    private static void Apply(DbCommand command, CommandEventData eventData)
    {
        // SaveChanges reads one row count per statement by position, so a leading statement would shift
        // them; WalledSaveChanges sets the tenant in the transaction it wraps SaveChanges in instead.
        if (eventData.CommandSource == CommandSource.SaveChanges || eventData.Context is not IWalledContext walled)
        {
            return;
        }

        // Already led by the call (the context's own set, or a command object executed again): the value
        // is set afresh all the same, so it is always the tenant in scope now.
        if (command.CommandText.StartsWith(TenantSetting.CommandPrefix, StringComparison.Ordinal)
            && command.Parameters.Contains(TenantSetting.ParameterName))
        {
            TenantSetting.Assign(command.Parameters[TenantSetting.ParameterName], walled.TenantId);
            return;
        }

        command.CommandText = TenantSetting.CommandPrefix + command.CommandText;
        command.Parameters.Add(TenantSetting.Parameter(walled.TenantId));
    }
}
