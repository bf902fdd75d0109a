namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>Two academies of one test class, each served by every API replica of the shared stack.</summary>
/// <param name="Alpha">The academy a test acts in.</param>
/// <param name="Bravo">The other academy, whose rows and tokens must never reach <paramref name="Alpha"/>.</param>
public sealed record AcademyPair(TestTenant Alpha, TestTenant Bravo);

/// <summary>
/// The test kit's way to write a test against the shared stack: each test class gets two academies of its own
/// (<see cref="StackFixture.AcademiesOfAsync"/>), created on its first test, so no test depends on another
/// class's data and classes can run in any order. State a test changes outside its academies is restored in a
/// <c>finally</c>. A new endpoint or tenant table needs no test of this kind to be covered by the generated
/// checks (EveryTenantEndpointShould, EveryTenantTableShould); its own behaviour is tested this way.
/// </summary>
public abstract class OwnAcademiesTest(StackFixture stack) : IAsyncLifetime
{
    protected StackFixture Stack => stack;

    protected TestTenant Alpha { get; private set; } = null!;

    protected TestTenant Bravo { get; private set; } = null!;

    protected AcademyPair Academies => new(Alpha, Bravo);

    public virtual async Task InitializeAsync()
    {
        // A fixture that could not start (a missing optional server) leaves its tests to skip.
        if (stack.Started)
        {
            (Alpha, Bravo) = await stack.AcademiesOfAsync(GetType());
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
