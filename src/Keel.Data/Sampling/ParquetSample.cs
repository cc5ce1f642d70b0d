using Keel.Core;
using Keel.Data.Labels;
using Parquet;
using Parquet.Schema;

namespace Keel.Data.Sampling;

/// <summary>Samples of a Parquet file: the chosen rows' values under the same schema (strings as string columns), row group by row
/// group, with the file's key-value metadata; memory holds one row group and the chosen row numbers.</summary>
internal static class ParquetSample
{
    /// <summary>Algorithm R over row numbers (the row count is in the file's footer, so no data is read to draw them), then one pass
    /// copying those rows. The same seed draws the same row numbers as the reservoir over a CSV or JSON Lines file of as many rows.</summary>
    public static SampleOutcome Reservoir(SampleRequest request, long n)
    {
        var rows = Task.Run(() => RowCountAsync(request.Input)).GetAwaiter().GetResult();
        var kept = Sampler.ReservoirRows(rows, n, new Random(request.Seed));
        Copy(request, kept, null);
        return new SampleOutcome(request.Input, request.Output, "reservoir", rows, kept.Length, request.Seed);
    }

    /// <summary>Writes the <paramref name="chosen"/> rows (ascending); with <paramref name="weights"/> a sample_weight column is added.</summary>
    public static void Write(SampleRequest request, int[] chosen, double[]? weights) =>
        Copy(request, Array.ConvertAll(chosen, r => (long)r), weights);

    private static async Task<long> RowCountAsync(string path)
    {
        var name = Path.GetFileName(path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        await using var reader = await ParquetTableReader.OpenAsync(stream, name);
        ParquetTableReader.Flat(reader.Schema, name);
        return reader.RowGroups.Sum(g => g.RowCount);
    }

    private static void Copy(SampleRequest request, long[] chosen, double[]? weights) =>
        OutputFiles.WriteWhole(request.Output, temp => Task.Run(() => CopyAsync(request.Input, temp, chosen, weights)).GetAwaiter().GetResult(),
            reason => $"output '{request.Output}' cannot be written: {reason}", makeFolder: true);

    private static async Task CopyAsync(string input, string temp, long[] chosen, double[]? weights)
    {
        var name = Path.GetFileName(input);
        await using var stream = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        await using var reader = await ParquetTableReader.OpenAsync(stream, name);
        var read = ParquetTableReader.Flat(reader.Schema, name);
        var written = ParquetColumnCopy.WrittenFields(read);
        DataField<double>? weight = null;
        if (weights is not null) written.Add(weight = new DataField<double>(Sampler.WeightColumnName));
        await using var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(written), output);
        writer.CustomMetadata = reader.CustomMetadata;
        long first = 0;
        var next = 0;
        for (var g = 0; g < reader.RowGroupCount && next < chosen.Length; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = checked((int)group.RowCount);
            var from = next;
            var keep = new List<int>();
            while (next < chosen.Length && chosen[next] < first + n) keep.Add((int)(chosen[next++] - first));
            first += n;
            if (keep.Count == 0) continue;
            using var to = writer.CreateRowGroup();
            for (var c = 0; c < read.Length; c++) await ParquetColumnCopy.CopyAsync(group, to, read[c], written[c], n, null, keep, name);
            if (weight is not null) await to.WriteAsync<double>(weight, weights.AsMemory(from, next - from));
        }
    }
}
