using Keel.Core.Data;

namespace Keel.Data.Quality;

/// <summary>128-bit row keys (two independent 64-bit FNV-1a hashes) over chosen columns, exact or normalised, without a string per row.</summary>
internal static class RowHasher
{
    private const ulong Prime = 1099511628211UL;

    /// <summary>One key per row of <paramref name="columns"/>. Normalised keys round numbers to <paramref name="digits"/> significant
    /// digits and compare strings trimmed, with runs of spaces collapsed, in lower case: near-duplicates share a key.</summary>
    public static (ulong, ulong)[] Keys(IReadOnlyList<Column> columns, int rows, bool normalise, int digits = 4)
    {
        var keys = new (ulong A, ulong B)[rows];
        for (var r = 0; r < rows; r++) keys[r] = (14695981039346656037UL, 0x9E3779B97F4A7C15UL);
        foreach (var column in columns)
        {
            for (var r = 0; r < rows; r++)
            {
                var (a, b) = keys[r];
                switch (column)
                {
                    case NumericColumn n:
                        var v = n[r];
                        if (normalise && double.IsFinite(v) && v != 0)
                        {
                            var scale = Math.Pow(10, digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(v))));
                            v = Math.Round(v * scale) / scale;
                        }
                        var bits = double.IsNaN(v) ? 0x7FF8DEADUL : (ulong)BitConverter.DoubleToInt64Bits(v == 0 ? 0 : v);
                        (a, b) = Mix(a, b, bits);
                        break;
                    case StringColumn s:
                        var text = s[r];
                        if (text is null)
                        {
                            (a, b) = Mix(a, b, 0x5EEDUL);
                            break;
                        }
                        if (normalise) text = Normalise(text);
                        foreach (var c in text) (a, b) = Mix(a, b, c);
                        (a, b) = Mix(a, b, 0x1FUL);
                        break;
                }
                keys[r] = (a, b);
            }
            for (var r = 0; r < rows; r++) keys[r] = Mix(keys[r].Item1, keys[r].Item2, 0xC01UL);
        }
        return keys;
    }

    private static (ulong, ulong) Mix(ulong a, ulong b, ulong value)
    {
        a = (a ^ value) * Prime;
        b = (b + value) * 0xBF58476D1CE4E5B9UL;
        b ^= b >> 31;
        return (a, b);
    }

    /// <summary>Trimmed, inner runs of white space as one space, lower case (invariant): how string variants of one category are compared.</summary>
    public static string Normalise(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
