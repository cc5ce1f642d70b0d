namespace Keel.Evaluation.Uncertainty;

/// <summary>A seeded SplitMix64 stream: resamples that the reference script (Fixtures/make_evaluation_fixtures.py) draws bit for bit.</summary>
/// <remarks>System.Random's sequence is an implementation detail of .NET; this one is written down, so the bootstrap is reproducible anywhere.</remarks>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A row index in 0..n-1 (the modulo bias is below 1e-15 for any table that fits in memory).</summary>
    public int NextIndex(int n) => (int)(Next() % (ulong)n);

    /// <summary>n indices drawn with replacement from <paramref name="rows"/>.</summary>
    public int[] Resample(IReadOnlyList<int> rows)
    {
        var r = new int[rows.Count];
        for (var i = 0; i < r.Length; i++) r[i] = rows[NextIndex(rows.Count)];
        return r;
    }

    /// <summary>Draws <paramref name="counts"/>.Length rows with replacement, as <see cref="Resample"/> over 0..n-1 does, and writes how
    /// often each row was drawn.</summary>
    public void Counts(int[] counts)
    {
        Array.Clear(counts);
        for (var i = 0; i < counts.Length; i++) counts[NextIndex(counts.Length)]++;
    }
}
