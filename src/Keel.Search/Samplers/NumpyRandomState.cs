namespace Keel.Search.Samplers;

/// <summary>
/// numpy's legacy <c>RandomState(seed)</c> (MT19937), for the draws Optuna 3.1's samplers make: an integer seed goes through
/// MT19937's <c>init_genrand</c> (numpy's <c>mt19937_seed</c>, not <c>init_by_array</c>); <c>random_sample</c> is the 53-bit
/// double made of two 32-bit outputs; <c>uniform</c>, <c>rand</c> and <c>choice(n, size, p)</c> (cumulative sum, normalised by
/// its last element, searched on the right) follow numpy 1.24's legacy code. Checked against numpy's outputs in
/// tests/Keel.Search.Tests/Fixtures/numpy_random.json (bench/search/numpy_random_fixture.py).
/// </summary>
internal sealed class NumpyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _key = new uint[N];
    private int _pos;

    /// <summary>The state numpy's <c>RandomState(seed)</c> starts from; the seed is taken modulo 2^32 (numpy accepts 0 to 2^32 - 1).</summary>
    public NumpyRandomState(uint seed)
    {
        _key[0] = seed;
        for (var i = 1; i < N; i++) _key[i] = unchecked(1812433253u * (_key[i - 1] ^ (_key[i - 1] >> 30)) + (uint)i);
        _pos = N;
    }

    /// <summary>The next 32-bit output of the generator.</summary>
    public uint NextUInt32()
    {
        if (_pos == N) Generate();
        var y = _key[_pos++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary><c>random_sample()</c>: a double in [0, 1) from two outputs (27 and 26 bits).</summary>
    public double RandomSample()
    {
        var a = NextUInt32() >> 5;
        var b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary><c>uniform(low, high)</c>: low + (high - low) · random_sample().</summary>
    public double Uniform(double low, double high) => low + (high - low) * RandomSample();

    /// <summary><c>choice(len(p), size, p=p)</c>: <paramref name="size"/> indices drawn by weight.</summary>
    public int[] Choice(double[] p, int size)
    {
        var cdf = new double[p.Length];
        var acc = 0.0;
        for (var i = 0; i < p.Length; i++) cdf[i] = acc += p[i];
        var last = cdf[^1];
        for (var i = 0; i < cdf.Length; i++) cdf[i] /= last;
        var picks = new int[size];
        for (var s = 0; s < size; s++)
        {
            var u = RandomSample();
            // searchsorted(side='right'): the first index whose value exceeds u.
            int lo = 0, hi = cdf.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (cdf[mid] <= u) lo = mid + 1;
                else hi = mid;
            }
            picks[s] = lo;
        }
        return picks;
    }

    /// <summary><c>choice(n)</c> (no weights), which is <c>randint(0, n)</c>: numpy's legacy masked rejection, one 32-bit output per
    /// try, each masked to the smallest all-ones number of bits covering n - 1 and kept when at most n - 1 (no draw when n is 1).</summary>
    public int Choice(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var max = (uint)(n - 1);
        if (max == 0) return 0;
        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint v;
        while ((v = NextUInt32() & mask) > max) { }
        return (int)v;
    }

    /// <summary>Moves the stream on by <paramref name="count"/> <see cref="RandomSample"/> draws.</summary>
    public void Skip(long count)
    {
        for (var i = 0L; i < 2 * count; i++) NextUInt32();
    }

    private void Generate()
    {
        const uint upper = 0x80000000u, lower = 0x7fffffffu, matrixA = 0x9908b0dfu;
        int i;
        uint y;
        for (i = 0; i < N - M; i++)
        {
            y = (_key[i] & upper) | (_key[i + 1] & lower);
            _key[i] = _key[i + M] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrixA);
        }
        for (; i < N - 1; i++)
        {
            y = (_key[i] & upper) | (_key[i + 1] & lower);
            _key[i] = _key[i + (M - N)] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrixA);
        }
        y = (_key[N - 1] & upper) | (_key[0] & lower);
        _key[N - 1] = _key[M - 1] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrixA);
        _pos = 0;
    }
}
