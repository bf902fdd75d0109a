using TatamiTech.Data.Identity;

namespace TatamiTech.UnitTests.Data.Identity;

public class ClientSecretShould
{
    [Fact]
    public void MatchOnlyTheSecretItHashed()
    {
        var secret = ClientSecret.Generate();
        var hash = ClientSecret.Hash(secret);

        Assert.True(ClientSecret.Matches(secret, hash));
        Assert.False(ClientSecret.Matches(secret + "x", hash));
        var otherCase = secret.ToUpperInvariant() == secret ? secret.ToLowerInvariant() : secret.ToUpperInvariant();
        Assert.False(ClientSecret.Matches(otherCase, hash));
        Assert.False(ClientSecret.Matches(null, hash));
        Assert.False(ClientSecret.Matches(string.Empty, hash));
    }

    [Fact]
    public void GenerateLongUrlSafeSecretsAndIdsThatDoNotRepeat()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => ClientSecret.Generate()).ToList();
        var ids = Enumerable.Range(0, 100).Select(_ => ClientSecret.NewClientId()).ToList();

        Assert.Equal(100, secrets.Distinct().Count());
        Assert.Equal(100, ids.Distinct().Count());
        Assert.All(secrets, s => Assert.Matches("^[A-Za-z0-9_-]{43}$", s));
        Assert.All(ids, id => Assert.True(
            id.Length <= AcademyClientLimits.ClientIdLength && id.StartsWith("int_", StringComparison.Ordinal)));
    }
}
