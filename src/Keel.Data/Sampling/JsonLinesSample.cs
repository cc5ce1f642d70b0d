using System.Globalization;

namespace Keel.Data.Sampling;

/// <summary>Samples of a JSON Lines file: the chosen lines as they are (blank lines are not rows), in file order.</summary>
internal static class JsonLinesSample
{
    /// <summary>Algorithm R over the lines in one pass, holding n lines, as <see cref="Sampler"/> does over CSV records.</summary>
    public static SampleOutcome Reservoir(SampleRequest request, long n)
    {
        var random = new Random(request.Seed);
        var kept = new List<(long Row, string Line)>();
        long row = 0;
        foreach (var line in Lines(request))
        {
            if (row < n) kept.Add((row, line));
            else
            {
                var j = random.NextInt64(row + 1);
                if (j < n) kept[(int)j] = (row, line);
            }
            row++;
        }
        kept.Sort((a, b) => a.Row.CompareTo(b.Row));
        Sampler.WriteText(request.Output, output =>
        {
            foreach (var (_, line) in kept)
            {
                output.Write(line);
                output.Write('\n');
            }
        });
        return new SampleOutcome(request.Input, request.Output, "reservoir", row, kept.Count, request.Seed);
    }

    /// <summary>Writes the lines of the <paramref name="chosen"/> rows (ascending); with <paramref name="weights"/> each object gains
    /// its <c>sample_weight</c>.</summary>
    public static void Write(SampleRequest request, int[] chosen, double[]? weights) =>
        Sampler.WriteText(request.Output, output =>
        {
            var next = 0;
            var row = 0;
            foreach (var line in Lines(request))
            {
                if (next == chosen.Length) break;
                if (chosen[next] == row)
                {
                    output.Write(weights is null ? line : WithWeight(line, weights[next]));
                    output.Write('\n');
                    next++;
                }
                row++;
            }
        });

    /// <summary>The file's non-blank lines, read as the table reader reads them (so line k is table row k).</summary>
    private static IEnumerable<string> Lines(SampleRequest request)
    {
        var (source, text) = TextSource.Open(request.Input, TextEncodings.Resolve(request.Read.Encoding), check: false);
        using (source)
        using (text)
        {
            while (text.ReadLine() is { } line)
            {
                if (!string.IsNullOrWhiteSpace(line)) yield return line;
            }
        }
    }

    /// <summary>The object on <paramref name="line"/> (already read as one by the table reader) with a last key sample_weight.</summary>
    internal static string WithWeight(string line, double weight)
    {
        var body = line[..line.LastIndexOf('}')].TrimEnd();
        var separator = body.EndsWith('{') ? "" : ",";
        return $"{body}{separator}\"{Sampler.WeightColumnName}\":{weight.ToString("R", CultureInfo.InvariantCulture)}}}";
    }
}
