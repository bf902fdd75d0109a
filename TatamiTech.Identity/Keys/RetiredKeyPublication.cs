using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TatamiTech.Identity.Keys;

/// <summary>
/// A rollover: the new key signs, and the retired key stays published until every token it signed has expired, so that
/// a service that cached the old set and one that reads the new one both accept every live token. It is published here
/// rather than registered as a second signing key, so that it never signs.
/// </summary>
internal sealed class RetiredKeyPublication(IdentityKeys keys) : IOpenIddictServerHandler<HandleJsonWebKeySetRequestContext>
{
    public ValueTask HandleAsync(HandleJsonWebKeySetRequestContext context)
    {
        if (keys.RetiredSigning is { } retired)
        {
            var publicHalf = new ECDsaSecurityKey(PublicHalf(retired)) { KeyId = retired.KeyId };
            var published = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(publicHalf);
            published.Use = JsonWebKeyUseNames.Sig;
            published.Alg = SecurityAlgorithms.EcdsaSha256;
            context.Keys.Add(published);
        }

        return ValueTask.CompletedTask;
    }

    private static ECDsa PublicHalf(ECDsaSecurityKey key)
    {
        var publicHalf = ECDsa.Create();
        publicHalf.ImportParameters(key.ECDsa.ExportParameters(includePrivateParameters: false));
        return publicHalf;
    }
}
