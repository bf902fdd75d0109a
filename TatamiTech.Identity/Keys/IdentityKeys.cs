using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using TatamiTech.Names;

namespace TatamiTech.Identity.Keys;

/// <summary>
/// The keys of the identity service, from configuration: the ECDSA P-256 key that signs every token (published with
/// its public half only), a retired one still published during a rollover, and the symmetric key of the codes and
/// refresh tokens only this service reads. Missing or malformed keys stop the start with the key's name.
/// </summary>
public sealed record IdentityKeys(ECDsaSecurityKey Signing, ECDsaSecurityKey? RetiredSigning, SymmetricSecurityKey Encryption)
{
    /// <summary>The secret behind the encryption key must carry at least 256 bits of its own.</summary>
    public const int MinimumEncryptionSecretLength = 32;

    public static IdentityKeys From(IConfiguration configuration)
    {
        var signing = ReadSigningKey(configuration, ConfigurationKeys.IdentitySigningKey)
            ?? throw new InvalidOperationException(
                $"{ConfigurationKeys.IdentitySigningKey} is missing: the PKCS#8 PEM of an ECDSA P-256 key (the AppHost generates " +
                "one for a local run and keeps it in user secrets).");
        var retired = ReadSigningKey(configuration, ConfigurationKeys.IdentityRetiredSigningKey);
        var secret = configuration[ConfigurationKeys.IdentityEncryptionKey];
        if (string.IsNullOrEmpty(secret) || secret.Length < MinimumEncryptionSecretLength)
        {
            throw new InvalidOperationException(
                $"{ConfigurationKeys.IdentityEncryptionKey} must be a secret of at least {MinimumEncryptionSecretLength} characters.");
        }

        // A key of exactly AES-256's size, whatever the secret's length.
        var encryption = new SymmetricSecurityKey(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        return new IdentityKeys(signing, retired, encryption);
    }

    private static ECDsaSecurityKey? ReadSigningKey(IConfiguration configuration, string name)
    {
        if (configuration[name] is not { Length: > 0 } pem)
        {
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception failure) when (failure is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{name} is not a PEM-encoded ECDSA key: {failure.Message}", failure);
        }

        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidOperationException($"{name} must be a P-256 key (ES256); it has {key.KeySize} bits.");
        }

        var securityKey = new ECDsaSecurityKey(key);
        // The key's id is its JWK thumbprint (RFC 7638): the same key has the same id in every process and every run.
        securityKey.KeyId = Base64UrlEncoder.Encode(securityKey.ComputeJwkThumbprint());
        return securityKey;
    }
}
