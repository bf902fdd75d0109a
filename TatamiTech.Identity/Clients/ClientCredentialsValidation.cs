using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using TatamiTech.Data;
using TatamiTech.Data.Identity;
using TatamiTech.Identity.SignIn;
using TatamiTech.Tenancy.AspNetCore.Observability;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TatamiTech.Identity.Clients;

/// <summary>
/// The token endpoint's check of an integration's credentials. The request is already in the academy its host names
/// (step 1 of the tenancy pipeline ran first), so the client is looked up behind the wall: a client of another academy is
/// not found, exactly like a client that does not exist. The client found is handed to <see cref="ClientCredentialsSignIn"/>.
/// </summary>
internal sealed class ClientCredentialsValidation(
    TatamiDbContext db, IHttpContextAccessor http, ILogger<ClientCredentialsValidation> logger)
    : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public const string ClientProperty = "tatamitech:academy-client";

    /// <summary>Hashed when no client matches, so that an unknown id takes as long to refuse as a wrong secret.</summary>
    private static readonly byte[] s_noClientHash = ClientSecret.Hash(ClientSecret.Generate());

    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (!context.Request.IsClientCredentialsGrantType())
        {
            // Codes are the apps' (AppClientValidation); OpenIddict refuses the grants that are not allowed at all.
            return;
        }

        var clientId = context.ClientId;
        var client = string.IsNullOrEmpty(clientId) || clientId.Length > AcademyClientLimits.ClientIdLength || !Lockout.IsStorable(clientId)
            ? null
            : await db.AcademyClients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == clientId, context.CancellationToken);
        if (!ClientSecret.Matches(context.ClientSecret, client?.SecretHash ?? s_noClientHash) || client is null)
        {
            IdentityLog.ClientRefused(logger, IdentityLog.Truncate(clientId));
            IdentityTelemetry.CountRefusal(TenantRejectionReason.ClientNotOfAcademy, http);
            context.Reject(Errors.InvalidClient, "The client's credentials are not valid on this academy's host.");
            return;
        }

        context.Transaction.Properties[ClientProperty] = client;
    }
}
