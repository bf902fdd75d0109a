namespace TatamiTech.Names;

/// <summary>
/// The Postgres notification channel on which every change to an academy's directory row (created, suspended,
/// resumed, erased) is announced by a trigger on <c>tenants</c>, when the transaction that makes it commits; the
/// payload is the academy's slug.
/// </summary>
public static class DirectoryChannel
{
    public const string Name = "tatami_academies";
}
