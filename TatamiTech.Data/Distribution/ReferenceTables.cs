namespace TatamiTech.Data.Distribution;

/// <summary>
/// The tables that are no academy's rows and that tenant tables may reference: the directory and people's accounts. On a
/// distributed database each is a reference table (a copy on every node, so a tenant table's foreign key to it holds
/// on the node of the academy's rows).
/// </summary>
public static class ReferenceTables
{
    public static readonly IReadOnlyList<string> All = ["tenants", "accounts"];
}
