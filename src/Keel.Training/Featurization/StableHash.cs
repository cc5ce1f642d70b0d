namespace Keel.Training.Featurization;

/// <summary>FNV-1a over UTF-16 code units: string.GetHashCode is randomised per process, which would break saved models.</summary>
internal static class StableHash
{
    public const uint Seed = 2166136261;

    public static uint Add(uint hash, char c)
    {
        hash ^= c;
        return hash * 16777619;
    }

    public static uint Of(string s)
    {
        var h = Seed;
        foreach (var c in s) h = Add(h, c);
        return h;
    }

    /// <summary>Adds the term frequencies of lower-cased letter/digit tokens of <paramref name="text"/> into <paramref name="buckets"/>.</summary>
    public static void CountTokens(string text, Span<float> buckets)
    {
        var h = Seed;
        var inToken = false;
        foreach (var ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                h = Add(h, char.ToLowerInvariant(ch));
                inToken = true;
            }
            else if (inToken)
            {
                buckets[(int)(h % (uint)buckets.Length)] += 1;
                h = Seed;
                inToken = false;
            }
        }
        if (inToken) buckets[(int)(h % (uint)buckets.Length)] += 1;
    }
}
