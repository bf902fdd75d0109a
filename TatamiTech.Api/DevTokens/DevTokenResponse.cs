namespace TatamiTech.Api.DevTokens;

public sealed record DevTokenResponse(
    string AccessToken, string TokenType, string Tenant, string Subject, string Role, DateTimeOffset ExpiresAt);
