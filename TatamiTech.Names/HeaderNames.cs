namespace TatamiTech.Names;

/// <summary>HTTP headers of TatamiTech's own, for internal callers only.</summary>
public static class HeaderNames
{
    /// <summary>An internal tool names the academy (trusted networks only, never over the host).</summary>
    public const string Tenant = "X-Tenant";

    /// <summary>The key that lets the dashboard's command (or an operator) start a roster run.</summary>
    public const string RunKey = "X-Run-Key";
}
