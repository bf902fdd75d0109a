using TatamiTech.IntegrationTests.Platform.Academies;

namespace TatamiTech.IntegrationTests.AppHost.Citus;

// An academy's lifecycle on the cluster: the directory is a reference table there, written with a two-phase
// commit, and the platform announces each change after its commit; erasure deletes from distributed tables.

/// <summary>Provisioning, suspension and resumption (<see cref="AcademyLifecycleShould"/>) on the cluster.</summary>
[Collection(CitusCollection.Name)]
public sealed class AcademyLifecycleOnCitusShould(CitusStackFixture stack) : AcademyLifecycleShould(stack);

/// <summary>Erasure (<see cref="AcademyErasureShould"/>) of an academy whose rows live on the workers.</summary>
[Collection(CitusCollection.Name)]
public sealed class AcademyErasureOnCitusShould(CitusStackFixture stack) : AcademyErasureShould(stack);
