using Microsoft.EntityFrameworkCore;
using TatamiTech.Tenancy;

namespace TatamiTech.Data;

/// <summary>
/// A scope's hold on its pooled <see cref="TatamiDbContext"/>: leased from the pool when the scope first asks
/// for the context, bound to the scope's tenant context, and given back only when the scope ends. Until then
/// the context ignores Dispose from the code that uses it (a <c>using</c> by mistake), as a context from EF
/// Core's AddDbContextPool does: returned early, it would be leased to the next scope, with that scope's
/// academy, while the first still holds it, and the end of the first scope would return it a second time.
/// </summary>
internal sealed class ScopedContextLease(IDbContextFactory<TatamiDbContext> contexts, ITenantContext tenantContext)
    : IDisposable, IAsyncDisposable
{
    public TatamiDbContext Context { get; } = contexts.CreateDbContext().HoldFor(tenantContext);

    public void Dispose() => Context.Release();

    public ValueTask DisposeAsync() => Context.ReleaseAsync();
}
