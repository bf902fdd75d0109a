using TatamiTech.IntegrationTests.Data.Wall;
using TatamiTech.IntegrationTests.Worker.Roster;

namespace TatamiTech.IntegrationTests.AppHost.Citus;

// The database wall's own suites and the Worker's roster job, run again on the Citus cluster, where the academy's
// setting must reach the worker node that runs each statement: the same tests, another database.

/// <summary>Roles, ownership and row-level security (<see cref="DatabaseWallShould"/>) on distributed tables.</summary>
[Collection(CitusCollection.Name)]
public sealed class DatabaseWallOnCitusShould(CitusStackFixture stack) : DatabaseWallShould(stack);

/// <summary>The academy's setting, per transaction (<see cref="WallSettingShould"/>).</summary>
[Collection(CitusCollection.Name)]
public sealed class WallSettingOnCitusShould(CitusStackFixture stack) : WallSettingShould(stack);

/// <summary>Hand-written SQL led by the wall's call (<see cref="WalledBatchShould"/>).</summary>
[Collection(CitusCollection.Name)]
public sealed class WalledBatchOnCitusShould(CitusStackFixture stack) : WalledBatchShould(stack);

/// <summary>Writes of many rows at once (<see cref="BulkWritesShould"/>).</summary>
[Collection(CitusCollection.Name)]
public sealed class BulkWritesOnCitusShould(CitusStackFixture stack) : BulkWritesShould(stack);

/// <summary>Writes that reach no row (<see cref="ZeroRowWritesShould"/>).</summary>
[Collection(CitusCollection.Name)]
public sealed class ZeroRowWritesOnCitusShould(CitusStackFixture stack) : ZeroRowWritesShould(stack);

/// <summary>Prepared statements and cached plans across academies (<see cref="PlanCacheShould"/>).</summary>
[Collection(CitusCollection.Name)]
public sealed class PlanCacheOnCitusShould(CitusStackFixture stack) : PlanCacheShould(stack);

/// <summary>Pooled sessions that hold no academy after use (<see cref="PooledSessionsShould"/>).</summary>
[Collection(CitusCollection.Name)]
public sealed class PooledSessionsOnCitusShould(CitusStackFixture stack) : PooledSessionsShould(stack);

/// <summary>The roster job, per academy and under its own scope (<see cref="RosterReportJobShould"/>).</summary>
[Collection(CitusCollection.Name)]
public sealed class RosterReportJobOnCitusShould(CitusStackFixture stack) : RosterReportJobShould(stack);
