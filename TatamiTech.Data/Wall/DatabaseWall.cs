namespace TatamiTech.Data.Wall;

/// <summary>
/// Names shared by the migration that builds the database wall, the code that feeds it and the tests
/// that probe it.
/// </summary>
public static class DatabaseWall
{
    /// <summary>The transaction-local setting every row-level security policy compares tenant_id with.</summary>
    public const string TenantSetting = "app.tenant_id";

    /// <summary>
    /// Sets <see cref="TenantSetting"/> for the current transaction. A procedure rather than
    /// <c>SELECT set_config(...)</c> because CALL returns no result set, so it can lead a query's batch
    /// without the reader seeing it; and rather than <c>SET LOCAL</c>, which warns on every implicit transaction.
    /// </summary>
    public const string SetTenantProcedure = "app_set_tenant";
}
