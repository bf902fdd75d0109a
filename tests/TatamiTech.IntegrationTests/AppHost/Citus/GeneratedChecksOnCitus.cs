using TatamiTech.IntegrationTests.Data.Wall;
using TatamiTech.IntegrationTests.Tenancy.AspNetCore.Binding;

namespace TatamiTech.IntegrationTests.AppHost.Citus;

// The checks generated from the catalog and from the routes, run again on the Citus cluster: a new tenant table or
// endpoint is covered on both databases without anyone writing a test.

/// <summary>The table matrix (<see cref="EveryTenantTableShould"/>) on distributed tables.</summary>
[Collection(CitusCollection.Name)]
public sealed class EveryTenantTableOnCitusShould(CitusStackFixture stack) : EveryTenantTableShould(stack);

/// <summary>The endpoint matrix (<see cref="EveryTenantEndpointShould"/>) against the API on the cluster.</summary>
[Collection(CitusCollection.Name)]
public sealed class EveryTenantEndpointOnCitusShould(CitusStackFixture stack) : EveryTenantEndpointShould(stack);
