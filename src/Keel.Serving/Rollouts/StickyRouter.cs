using System.Text;

namespace Keel.Serving.Rollouts;

/// <summary>
/// Assigns requests to the challenger by share: a request with a routing key goes by a stable hash of the key (same key, same arm, on every
/// replica and restart; and a key on the challenger at 5% stays there at 25%), one without a key by the seeded random source.
/// </summary>
internal sealed class StickyRouter(string salt, Random random)
{
    private const int Buckets = 10_000;

    private readonly byte[] _salt = Encoding.UTF8.GetBytes(salt + "\n");

    /// <summary>Whether the request goes to the challenger when it gets <paramref name="percent"/>% of traffic.</summary>
    public bool ToChallenger(string? key, double percent) =>
        percent >= 100 || (percent > 0 && (key is null ? random.NextDouble() * 100 : Bucket(key) * 100.0 / Buckets) < percent);

    /// <summary>The key's bucket in [0, 10000): FNV-1a (64 bit) of the salt and the key's UTF-8 bytes, the same on every platform and run.</summary>
    internal int Bucket(string key)
    {
        var h = 14695981039346656037UL;
        foreach (var b in _salt) h = (h ^ b) * 1099511628211UL;
        foreach (var b in Encoding.UTF8.GetBytes(key)) h = (h ^ b) * 1099511628211UL;
        // FNV's low bits mix poorly for short keys; fold the high half in before taking the bucket.
        h ^= h >> 32;
        return (int)(h % Buckets);
    }
}
