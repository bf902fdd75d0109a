using System.Security.Cryptography;
using System.Text;
using TatamiTech.MigrationService;

namespace TatamiTech.UnitTests.MigrationService;

/// <summary>
/// The verifier the migration service sets instead of a role's password, checked against the exchange RFC 7677
/// gives as its example (user "user", password "pencil"): a server holding the verifier accepts that client's proof
/// and answers with that server signature.
/// </summary>
public sealed class ScramVerifierShould
{
    private const string Password = "pencil";
    private const string Salt = "W22ZaJ0SNY7soEsUEjb6gQ==";
    private const string ClientFirstBare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ClientFinalWithoutProof = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private const string ClientProof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerSignature = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static readonly byte[] s_authMessage = Encoding.ASCII.GetBytes($"{ClientFirstBare},{ServerFirst},{ClientFinalWithoutProof}");

    [Fact]
    public void HaveTheFormPostgresStores()
    {
        var verifier = ScramVerifier.Compute(Password, Convert.FromBase64String(Salt), 4096);

        var (iterations, salt, _, _) = Parse(verifier);
        Assert.StartsWith("SCRAM-SHA-256$", verifier, StringComparison.Ordinal);
        Assert.Equal(4096, iterations);
        Assert.Equal(Salt, Convert.ToBase64String(salt));
    }

    [Fact]
    public void AcceptTheClientProofOfTheRfcExample()
    {
        var (_, _, storedKey, _) = Parse(ScramVerifier.Compute(Password, Convert.FromBase64String(Salt), 4096));

        // What the server does with a proof: recover the client key and hash it to the stored key.
        var clientSignature = HMACSHA256.HashData(storedKey, s_authMessage);
        var clientKey = Xor(Convert.FromBase64String(ClientProof), clientSignature);

        Assert.Equal(storedKey, SHA256.HashData(clientKey));
    }

    [Fact]
    public void SignAsTheServerOfTheRfcExample()
    {
        var (_, _, _, serverKey) = Parse(ScramVerifier.Compute(Password, Convert.FromBase64String(Salt), 4096));

        Assert.Equal(ServerSignature, Convert.ToBase64String(HMACSHA256.HashData(serverKey, s_authMessage)));
    }

    [Fact]
    public void RefuseTheClientProofOfAnotherPassword()
    {
        var (_, _, storedKey, _) = Parse(ScramVerifier.Compute("pencil2", Convert.FromBase64String(Salt), 4096));

        var clientKey = Xor(Convert.FromBase64String(ClientProof), HMACSHA256.HashData(storedKey, s_authMessage));

        Assert.NotEqual(storedKey, SHA256.HashData(clientKey));
    }

    [Fact]
    public void UseAFreshSaltAndPostgresIterationsEachTime()
    {
        var first = Parse(ScramVerifier.Compute(Password));
        var second = Parse(ScramVerifier.Compute(Password));

        Assert.Equal(4096, first.Iterations);
        Assert.Equal(16, first.Salt.Length);
        Assert.NotEqual(first.Salt, second.Salt);
        Assert.NotEqual(first.StoredKey, second.StoredKey);
    }

    [Fact]
    public void RefuseAPasswordItCannotPrepareAsPostgresWould()
    {
        var refusal = Assert.Throws<ArgumentException>(() => ScramVerifier.Compute("pencil\u00e9"));

        Assert.Contains("ASCII", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pencil", refusal.Message, StringComparison.Ordinal);
    }

    private static (int Iterations, byte[] Salt, byte[] StoredKey, byte[] ServerKey) Parse(string verifier)
    {
        var parts = verifier.Split('$');
        Assert.Equal(3, parts.Length);
        var head = parts[1].Split(':');
        var keys = parts[2].Split(':');
        return (int.Parse(head[0]), Convert.FromBase64String(head[1]),
            Convert.FromBase64String(keys[0]), Convert.FromBase64String(keys[1]));
    }

    private static byte[] Xor(byte[] left, byte[] right) => [.. left.Zip(right, (a, b) => (byte)(a ^ b))];
}
