using System.Security.Cryptography;
using System.Text;

namespace TatamiTech.Data.Identity;

/// <summary>An integration's secret: 256 random bits shown once, kept as its SHA-256 hash.</summary>
public static class ClientSecret
{
    private const int SecretBytes = 32;

    /// <summary>A new secret, URL-safe base64 without padding (43 characters).</summary>
    public static string Generate() => Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Whether <paramref name="presented"/> is the secret behind <paramref name="hash"/>, in constant time.</summary>
    public static bool Matches(string? presented, byte[] hash) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), hash);

    /// <summary>A new client id: readable in logs, and unguessable so that ids do not reveal how many clients exist.</summary>
    public static string NewClientId() => "int_" + Base64Url(RandomNumberGenerator.GetBytes(12));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
