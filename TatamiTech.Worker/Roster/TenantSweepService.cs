using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TatamiTech.Data;
using TatamiTech.ServiceDefaults.Tenancy;

namespace TatamiTech.Worker.Roster;

/// <summary>
/// Walks the academies one at a time, each in its own tenant scope: the shape every batch job here
/// takes. The only cross-tenant read is the tenant list itself.
/// </summary>
internal sealed partial class TenantSweepService(
    IServiceProvider services,
    ITenantDirectory directory,
    TenantSweepState state,
    IOptionsMonitor<TenantSweepOptions> options,
    TimeProvider clock,
    ILogger<TenantSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
                state.Completed(clock.GetUtcNow());
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                state.Failed(ex.Message);
                LogSweepFailed(logger, ex);
            }

            await Task.Delay(options.CurrentValue.Interval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var tenants = await directory.ListAsync(cancellationToken);
        foreach (var tenant in tenants)
        {
            await using var scope = TenantScope.Create(services, tenant);
            var db = scope.Services.GetRequiredService<TatamiDbContext>();
            var students = await db.Students.CountAsync(cancellationToken);
            LogTenantSwept(logger, students);
        }

        LogSweepCompleted(logger, tenants.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Academy has {StudentCount} students")]
    private static partial void LogTenantSwept(ILogger logger, int studentCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Swept {TenantCount} academies")]
    private static partial void LogSweepCompleted(ILogger logger, int tenantCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Academy sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
