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

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Sign-in refused: {Reason}")]
    public static partial void SignInRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning,
        Message = "Account {AccountId} locked for {Duration} after repeated failed sign-ins")]
    public static partial void AccountLockedOut(ILogger logger, Guid accountId, TimeSpan duration);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning,
        Message = "Account {AccountId} signed in with its password on an academy it is not a member of; refused")]
    public static partial void NotAMember(ILogger logger, Guid accountId);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Account {AccountId} signed in as {Role}")]
    public static partial void MemberSignedIn(ILogger logger, Guid accountId, string role);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Code of grant {GrantId} presented again; refused")]
    public static partial void CodeReplayed(ILogger logger, Guid grantId);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning,
        Message = "A replaced refresh token of grant {GrantId} was presented again; the grant is revoked")]
    public static partial void RefreshReplayed(ILogger logger, Guid grantId);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "Account {AccountId} accepted an invitation as {Role}")]
    public static partial void InvitationAccepted(ILogger logger, Guid accountId, string role);
}
