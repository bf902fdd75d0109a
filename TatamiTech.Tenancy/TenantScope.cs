using Microsoft.Extensions.DependencyInjection;

namespace TatamiTech.Tenancy;

/// <summary>
/// A DI scope bound to one tenant, for work outside an HTTP request (batch jobs, seeding, tools).
/// Services resolved from it see the tenant exactly as a request handler would.
/// </summary>
public sealed class TenantScope : IAsyncDisposable
{
    private readonly AsyncServiceScope _scope;
    private readonly IDisposable _entered;

    private TenantScope(AsyncServiceScope scope, TenantInfo tenant)
    {
        _scope = scope;
        Tenant = tenant;
        _entered = scope.ServiceProvider.GetRequiredService<ITenantContext>().Enter(tenant);
    }

    public TenantInfo Tenant { get; }

    public IServiceProvider Services => _scope.ServiceProvider;

    // Deliberately synchronous: the tenant flows to the caller's async code only if it is set
    // outside an async method's own execution context.
    public static TenantScope Create(IServiceProvider services, TenantInfo tenant) =>
        new(services.CreateAsyncScope(), tenant);

    // Not async: leaving the tenant resets async-locals (log scope, ambient tenant), and an async
    // method would reset them only in its own context, leaving the caller still "inside" the tenant.
    public ValueTask DisposeAsync()
    {
        _entered.Dispose();
        return _scope.DisposeAsync();
    }
}
