using Microsoft.Extensions.Hosting;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data;

/// <summary>
/// The set-up of the data-layer tests: a host wired as the services wire their data layer, and the
/// test class's two academies (<see cref="StackFixture.AcademiesOfAsync"/>), each with a student written through
/// its own tenant scope, so that every query has another academy's row to not see.
/// </summary>
/// <param name="maxPoolSize">A small pool makes the academies take turns on the same sessions.</param>
public abstract class TwoAcademiesDataTest(StackFixture stack, int? maxPoolSize = null) : IAsyncLifetime
{
    protected StackFixture Stack => stack;

    protected IHost Host { get; private set; } = null!;

    protected TenantInfo Alpha { get; private set; } = null!;

    protected TenantInfo Bravo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // A fixture that could not start (a missing optional server) leaves its tests to skip.
        if (!stack.Started)
        {
            return;
        }

        var academies = await stack.AcademiesOfAsync(GetType());
        (Alpha, Bravo) = (academies.Alpha.Info, academies.Bravo.Info);
        Host = RuntimeHost.Build(stack, maxPoolSize);
        await Host.AddStudentAsync(Alpha);
        await Host.AddStudentAsync(Bravo);
    }

    public Task DisposeAsync()
    {
        Host?.Dispose();
        return Task.CompletedTask;
    }
}
