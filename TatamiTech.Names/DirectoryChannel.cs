namespace TatamiTech.Names;

/// <summary>
/// The Postgres notification channel on which the platform announces a change to an academy (created,
/// suspended, resumed, erased), in the transaction that makes it; the payload is the academy's slug.
/// </summary>
public static class DirectoryChannel
{
    public const string Name = "tatami_academies";
}
