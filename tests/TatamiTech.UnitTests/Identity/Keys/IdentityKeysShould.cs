using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using TatamiTech.Identity.Keys;
using TatamiTech.Names;

namespace TatamiTech.UnitTests.Identity.Keys;

public class IdentityKeysShould
{
    private static readonly string s_secret = new('s', IdentityKeys.MinimumEncryptionSecretLength);

    [Fact]
    public void ReadAP256KeyAndNameItByItsThumbprint()
    {
        var pem = NewKeyPem(ECCurve.NamedCurves.nistP256);

        var first = IdentityKeys.From(Configuration(pem, s_secret));
        var second = IdentityKeys.From(Configuration(pem, s_secret));

        Assert.Equal(256, first.Signing.KeySize);
        Assert.False(string.IsNullOrEmpty(first.Signing.KeyId));
        // The same key has the same id in every process, so a token signed by one replica names a key every replica publishes.
        Assert.Equal(first.Signing.KeyId, second.Signing.KeyId);
        Assert.Null(first.RetiredSigning);
        Assert.Equal(32, first.Encryption.Key.Length);
    }

    [Fact]
    public void KeepARetiredKeyApartFromTheSigningKey()
    {
        var keys = IdentityKeys.From(
            Configuration(NewKeyPem(ECCurve.NamedCurves.nistP256), s_secret, NewKeyPem(ECCurve.NamedCurves.nistP256)));

        Assert.NotNull(keys.RetiredSigning);
        Assert.NotEqual(keys.Signing.KeyId, keys.RetiredSigning.KeyId);
    }

    [Fact]
    public void RefuseToStartWithoutASigningKey()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => IdentityKeys.From(Configuration(null, s_secret)));

        Assert.Contains(ConfigurationKeys.IdentitySigningKey, failure.Message);
    }

    [Theory]
    [InlineData("not a key")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")]
    public void RefuseASigningKeyThatIsNotAnEcdsaPem(string pem)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => IdentityKeys.From(Configuration(pem, s_secret)));

        Assert.Contains(ConfigurationKeys.IdentitySigningKey, failure.Message);
    }

    [Fact]
    public void RefuseAKeyOfAnotherCurve()
    {
        var failure = Assert.Throws<InvalidOperationException>(
            () => IdentityKeys.From(Configuration(NewKeyPem(ECCurve.NamedCurves.nistP384), s_secret)));

        Assert.Contains("P-256", failure.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short")]
    public void RefuseAWeakOrMissingEncryptionSecret(string? secret)
    {
        var failure = Assert.Throws<InvalidOperationException>(
            () => IdentityKeys.From(Configuration(NewKeyPem(ECCurve.NamedCurves.nistP256), secret)));

        Assert.Contains(ConfigurationKeys.IdentityEncryptionKey, failure.Message);
    }

    private static string NewKeyPem(ECCurve curve)
    {
        using var key = ECDsa.Create(curve);
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static IConfiguration Configuration(string? signingKey, string? secret, string? retired = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ConfigurationKeys.IdentitySigningKey] = signingKey,
            [ConfigurationKeys.IdentityEncryptionKey] = secret,
            [ConfigurationKeys.IdentityRetiredSigningKey] = retired,
        }).Build();
}
