using System.Buffers;
using Keel.Core.Data;
using Parquet;
using Parquet.Schema;

namespace Keel.Data.Tests;

/// <summary>
/// Parquet.Net 6.1's nullable read overload takes definition levels from an uncleared pooled buffer that a required column
/// never fills: stale negative values left in <see cref="ArrayPool{T}.Shared"/> by any other code turned into spurious nulls
/// and shifted every later value of the row group (a flaky round trip in the suite and under parallel search workers).
/// </summary>
public sealed class ParquetConcurrencyTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly DataField<long> Row = new("row");
    private static readonly DataField<int> Small = new("small");
    private static readonly DataField<double> Score = new("score");
    private static readonly DataField<string> Word = new("word");
    private const int Rows = 3000;

    [Fact]
    public async Task Read_RequiredColumnsAfterThePoolHoldsNegativeInts_EveryValueRoundTrips()
    {
        var path = Path.Combine(_dir.Path, "required.parquet");
        await WriteAsync(path, seed: 1);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            // Leave negative ints in the shared pool, the way other code can; the reader must not take them for levels.
            var rented = Enumerable.Range(0, 64).Select(_ => ArrayPool<int>.Shared.Rent(1000)).ToArray();
            foreach (var a in rented)
            {
                Array.Fill(a, int.MinValue);
                ArrayPool<int>.Shared.Return(a);
            }
            Assert.Null(Check(path, seed: 1));
        }
    }

    [Fact]
    public async Task ReadAndWrite_ManyThreadsAtOnce_EveryValueRoundTrips()
    {
        const int workers = 8, rounds = 25;
        var failures = await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                var path = Path.Combine(_dir.Path, $"w{w}-{round}.parquet");
                var seed = w * 1000 + round;
                await WriteAsync(path, seed);
                if (Check(path, seed) is { } failure) return failure;
            }
            return null;
        })));
        Assert.All(failures, Assert.Null);
    }

    /// <summary>Null when every value of the file written by <see cref="WriteAsync"/> reads back; else the first difference.</summary>
    private static string? Check(string path, int seed)
    {
        var t = TableReader.Read(path, new ReadOptions()).Table;
        var name = Path.GetFileName(path);
        for (var r = 0; r < Rows; r++)
        {
            if (((NumericColumn)t["row"])[r] != seed * 10_000L + r) return $"{name}: row at row {r} read {((NumericColumn)t["row"])[r]}";
            if (((NumericColumn)t["small"])[r] != (r * 7 + seed) % 5) return $"{name}: small at row {r}";
            if (((NumericColumn)t["score"])[r] != r * 0.5 + seed) return $"{name}: score at row {r}";
            if (((StringColumn)t["word"])[r] != "w" + ((r + seed) % 97)) return $"{name}: word at row {r}";
        }
        return null;
    }

    private static async Task WriteAsync(string path, int seed)
    {
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(Row, Small, Score, Word), file);
        for (var start = 0; start < Rows; start += 1000)
        {
            using var g = writer.CreateRowGroup();
            var range = Enumerable.Range(start, Math.Min(1000, Rows - start)).ToArray();
            await g.WriteAsync<long>(Row, range.Select(r => seed * 10_000L + r).ToArray());
            await g.WriteAsync<int>(Small, range.Select(r => (r * 7 + seed) % 5).ToArray());
            await g.WriteAsync<double>(Score, range.Select(r => r * 0.5 + seed).ToArray());
            await g.WriteAsync(Word, range.Select(r => "w" + ((r + seed) % 97)).ToArray());
        }
    }
}
