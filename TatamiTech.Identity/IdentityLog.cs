namespace TatamiTech.Identity;

/// <summary>What the identity service logs. Each record of a request carries its academy (the tenant context).</summary>
internal static partial class IdentityLog
{
    private const int MaxLoggedValueLength = 64;

    /// <summary>Values the caller controls are cut short before they reach the logs.</summary>
    public static string Truncate(string? value) => value switch
    {
        null => "(none)",
        { Length: <= MaxLoggedValueLength } => value,
        _ => value[..MaxLoggedValueLength] + "…",
    };

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning,
        Message = "Client {ClientId} refused: not a client of this academy, or a wrong secret")]
    public static partial void ClientRefused(ILogger logger, string clientId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Client {ClientId} signed in as {Role}")]
    public static partial void ClientSignedIn(ILogger logger, string clientId, string role);
}
