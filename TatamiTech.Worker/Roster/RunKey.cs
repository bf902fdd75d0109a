using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace TatamiTech.Worker.Roster;

/// <summary>The run-now endpoint's shared secret.</summary>
internal static class RunKey
{
    /// <summary>Exactly one header value equal to the configured key, compared in constant time.</summary>
    public static bool Matches(StringValues sent, string? expected) =>
        !string.IsNullOrEmpty(expected)
        && sent.Count == 1
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent[0] ?? string.Empty), Encoding.UTF8.GetBytes(expected));
}
