using System.Security.Cryptography;

namespace Keel.Tracking;

/// <summary>Identifiers for runs and experiments.</summary>
internal static class Ids
{
    /// <summary>32 lower-case hex characters (128 random bits), the same on every platform.</summary>
    // Ids must be unique across processes and machines sharing one store, so they come from the OS generator, not a seeded Random.
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Whether <paramref name="s"/> is non-empty lower-case hex.</summary>
    public static bool IsHex(string s) => s.Length > 0 && s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
