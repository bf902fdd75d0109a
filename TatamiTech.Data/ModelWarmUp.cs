using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace TatamiTech.Data;

/// <summary>
/// Builds the EF Core model while the host starts, on a thread of its own, instead of inside the first
/// request that needs it (the readiness probe's database check, in every service): the model then builds
/// beside the rest of the start-up instead of after it.
/// </summary>
internal sealed class ModelWarmUp(IDbContextFactory<TatamiDbContext> contexts) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Not awaited: the host goes on starting. A model that cannot be built fails its first real use the same way.
        _ = Task.Run(() =>
        {
            using var context = contexts.CreateDbContext();
            _ = context.Model;
        }, cancellationToken);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
