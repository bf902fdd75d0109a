using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace TatamiTech.Tenancy;

internal sealed class TenantContext(ILogger<TenantContext> logger) : ITenantContext
{
    public TenantInfo? Current { get; private set; }

    public TenantInfo Required => Current ?? throw new TenantNotResolvedException();

    public IDisposable Enter(TenantInfo tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);

        // A scope belongs to one tenant for its whole life: switching would leave
        // tracked entities and cached state of the first tenant reachable from the second.
        if (Current is not null && Current.Id != tenant.Id)
        {
            throw new InvalidOperationException(
                $"This scope already belongs to tenant '{Current.Slug}'; create a new scope for '{tenant.Slug}'.");
        }

        Current = tenant;
        var previousAmbient = AmbientTenant.Current;
        AmbientTenant.Current = tenant;
        Activity.Current?.SetTag(TenantTags.Slug, tenant.Slug);
        Activity.Current?.SetTag(TenantTags.Id, tenant.Id);
        var logScope = logger.BeginScope(new TenantLogScope(tenant));

        return new Exit(() =>
        {
            logScope?.Dispose();
            AmbientTenant.Current = previousAmbient;
        });
    }

    private sealed class Exit(Action onExit) : IDisposable
    {
        private Action? _onExit = onExit;

        public void Dispose() => Interlocked.Exchange(ref _onExit, null)?.Invoke();
    }
}
