using System.Security.Cryptography;
using System.Text;

namespace TatamiTech.MigrationService;

/// <summary>
/// A role's password in the form Postgres stores it (RFC 5802 and RFC 7677, SCRAM-SHA-256), computed here so that
/// ALTER ROLE carries only this verifier: a statement or its parameters may be written to the server's log
/// (<c>log_statement</c>), and a verifier there lets no one log in.
/// </summary>
internal static class ScramVerifier
{
    /// <summary>Postgres's own default (scram_iterations), so a verifier set here costs a login what the server's would.</summary>
    public const int Iterations = 4096;

    /// <summary>The salt length Postgres uses.</summary>
    public const int SaltLength = 16;

    public static string Compute(string password) => Compute(password, RandomNumberGenerator.GetBytes(SaltLength), Iterations);

    /// <returns><c>SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;</c>, each part base64.</returns>
    public static string Compute(string password, byte[] salt, int iterations)
    {
        var salted = Rfc2898DeriveBytes.Pbkdf2(
            PreparedPassword(password), salt, iterations, HashAlgorithmName.SHA256, SHA256.HashSizeInBytes);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}" +
            $"${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    /// <summary>
    /// The password's bytes as the server prepares them. Postgres runs SASLprep (RFC 4013) over a password that is
    /// not pure ASCII before hashing it; that is not reproduced here, so such a password is refused rather than
    /// turned into a verifier no login would match.
    /// </summary>
    private static byte[] PreparedPassword(string password)
    {
        if (!Ascii.IsValid(password))
        {
            throw new ArgumentException(
                "A service role's password must be ASCII: the migration service sets it as a SCRAM verifier " +
                "and does not apply the SASLprep normalisation Postgres gives other characters.",
                nameof(password));
        }

        return Encoding.ASCII.GetBytes(password);
    }
}
