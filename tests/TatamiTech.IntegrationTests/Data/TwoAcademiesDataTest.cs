using Microsoft.Extensions.Hosting;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data;

/// <summary>
/// The set-up of the data-layer tests: a host wired as the services wire their data layer, and the
/// stack's two academies, each with a student written through its own tenant scope, so that every query
/// has another academy's row to not see.
/// </summary>
/// <param name="maxPoolSize">A small pool makes the academies take turns on the same sessions.</param>
public abstract class TwoAcademiesDataTest(StackFixture stack, int? maxPoolSize = null) : IAsyncLifetime
{
    protected StackFixture Stack => stack;

    protected IHost Host { get; private set; } = null!;

    protected TenantInfo Alpha => stack.Alpha.Info;

    protected TenantInfo Bravo => stack.Bravo.Info;

    public async Task InitializeAsync()
    {
        Host = RuntimeHost.Build(stack, maxPoolSize);
        await Host.AddStudentAsync(Alpha);
        await Host.AddStudentAsync(Bravo);
    }

    public Task DisposeAsync()
    {
        Host.Dispose();
        return Task.CompletedTask;
    }
}
