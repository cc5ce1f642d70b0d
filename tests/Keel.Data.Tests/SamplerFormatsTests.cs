using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Data.Sampling;
using Parquet;
using Parquet.Schema;

namespace Keel.Data.Tests;

/// <summary>keel sample on JSON Lines and Parquet: the rows the same seed draws from the same data as CSV, written in the input's
/// own format with every value (and null) as it was, the Parquet schema kept.</summary>
public sealed class SamplerFormatsTests : IDisposable
{
    private const int Rows = 300;
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string? Cls(int i) => i % 7 == 3 ? null : i % 3 == 0 ? "b" : "a";
    private static bool? Flag(int i) => i % 5 == 0 ? null : i % 2 == 0;
    private static double W(int i) => i % 11 == 0 ? 0 : i * 0.5 + 1;
    private static short Small(int i) => (short)(i % 300 - 150);
    private static DateTime When(int i) => new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i * 7);

    private string Csv() => _dir.Write("in.csv", "id,cls,w,flag,small,when\n" + string.Concat(Enumerable.Range(0, Rows).Select(i =>
        $"{i},{Cls(i)},{W(i).ToString(CultureInfo.InvariantCulture)},{(Flag(i) is { } f ? f ? "true" : "false" : "")},{Small(i)},{When(i):yyyy-MM-ddTHH:mm:ssZ}\n")));

    /// <summary>The same rows as JSON Lines, with blank lines between some of them (not rows) and the missing values left out or null.</summary>
    private string Jsonl() => _dir.Write("in.jsonl", string.Concat(Enumerable.Range(0, Rows).Select(i =>
        (i % 50 == 10 ? "\n" : "") + "{\"id\":" + i + (Cls(i) is { } c ? ",\"cls\":\"" + c + "\"" : "") + ",\"w\":" + W(i).ToString(CultureInfo.InvariantCulture)
        + ",\"flag\":" + (Flag(i) is { } f ? f ? "true" : "false" : "null") + ",\"small\":" + Small(i) + ",\"when\":\"" + When(i).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + "\"}\n")));

    private static readonly DataField<long> Id = new("id");
    private static readonly DataField<string> ClsField = new("cls", true);
    private static readonly DataField<double> WField = new("w");
    private static readonly DataField<bool?> FlagField = new("flag");
    private static readonly DataField<short> SmallField = new("small");
    private static readonly DataField<DateTime> WhenField = new("when");

    /// <summary>The same rows as Parquet in three row groups of 100, with key-value metadata.</summary>
    private async Task<string> ParquetAsync()
    {
        var path = System.IO.Path.Combine(_dir.Path, "in.parquet");
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(Id, ClsField, WField, FlagField, SmallField, WhenField), file);
        writer.CustomMetadata = new Dictionary<string, string> { ["source"] = "test" };
        for (var start = 0; start < Rows; start += 100)
        {
            using var g = writer.CreateRowGroup();
            var rows = Enumerable.Range(start, 100).ToArray();
            await g.WriteAsync<long>(Id, rows.Select(i => (long)i).ToArray());
            await g.WriteAsync(ClsField, rows.Select(Cls).ToArray());
            await g.WriteAsync<double>(WField, rows.Select(W).ToArray());
            await g.WriteAsync<bool>(FlagField, rows.Select(Flag).ToArray());
            await g.WriteAsync<short>(SmallField, rows.Select(Small).ToArray());
            await g.WriteAsync<DateTime>(WhenField, rows.Select(When).ToArray());
        }
        return path;
    }

    private static SampleOutcome Sample(string input, string output, SampleStrategy strategy) => Sampler.Run(new SampleRequest
    {
        Input = input,
        Output = output,
        Strategy = strategy,
        N = strategy == SampleStrategy.Weighted ? null : 40,
        By = strategy is SampleStrategy.Stratified or SampleStrategy.Weighted ? "cls" : null,
        WeightColumn = strategy == SampleStrategy.Importance ? "w" : null,
        ClassRates = strategy == SampleStrategy.Weighted ? new Dictionary<string, double> { ["a"] = 0.1, ["b"] = 0.5 } : null,
        Seed = 9,
    });

    private static Table Read(string path) => TableReader.Read(path, new ReadOptions()).Table;

    private static string[] Row(Table t, int r) => t.Columns.Select(c => c.Format(r)).ToArray();

    public static TheoryData<SampleStrategy> Strategies => new(Enum.GetValues<SampleStrategy>());

    [Theory]
    [MemberData(nameof(Strategies))]
    public async Task Parquet_EveryStrategy_TheCsvSamplesRowsWithSchemaValuesNullsAndMetadataKept(SampleStrategy strategy)
    {
        var fromCsv = Sample(Csv(), System.IO.Path.Combine(_dir.Path, "out.csv"), strategy);
        var input = await ParquetAsync();
        var output = System.IO.Path.Combine(_dir.Path, "out.parquet");

        var outcome = Sample(input, output, strategy);

        Assert.Equal((fromCsv.InputRows, fromCsv.SampledRows), (outcome.InputRows, outcome.SampledRows));
        Assert.Equal(fromCsv.PerClass, outcome.PerClass);
        var csvSample = Read(System.IO.Path.Combine(_dir.Path, "out.csv"));
        var sample = Read(output);
        var all = Read(input);
        Assert.Equal(Ids(csvSample), Ids(sample));
        for (var r = 0; r < sample.RowCount; r++)
        {
            var id = (int)((NumericColumn)sample["id"])[r];
            Assert.Equal(Row(all, id), Row(sample, r)[..all.Columns.Count]);
        }
        if (strategy == SampleStrategy.Importance)
            Assert.Equal(Enumerable.Range(0, csvSample.RowCount).Select(csvSample["sample_weight"].Format), Enumerable.Range(0, sample.RowCount).Select(sample["sample_weight"].Format));
        await using var stream = File.OpenRead(output);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var expected = new[] { "id:Int64:False", "cls:String:True", "w:Double:False", "flag:Boolean:True", "small:Int16:False", "when:DateTime:False" }
            .Concat(strategy == SampleStrategy.Importance ? ["sample_weight:Double:False"] : []);
        Assert.Equal(expected, reader.Schema.DataFields.Select(f => $"{f.Name}:{(f.ClrType == typeof(ReadOnlyMemory<char>) ? "String" : f.ClrType.Name)}:{f.IsNullable}"));
        Assert.Equal("test", reader.CustomMetadata["source"]);
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void JsonLines_EveryStrategy_TheCsvSamplesRowsAsTheirLinesWere(SampleStrategy strategy)
    {
        var fromCsv = Sample(Csv(), System.IO.Path.Combine(_dir.Path, "out.csv"), strategy);
        var input = Jsonl();
        var output = System.IO.Path.Combine(_dir.Path, "out.jsonl");

        var outcome = Sample(input, output, strategy);

        Assert.Equal((fromCsv.InputRows, fromCsv.SampledRows), (outcome.InputRows, outcome.SampledRows));
        var csvSample = Read(System.IO.Path.Combine(_dir.Path, "out.csv"));
        var lines = File.ReadAllLines(output);
        var inputLines = File.ReadAllLines(input).Where(l => l.Length > 0).ToArray();
        Assert.Equal(Ids(csvSample), Ids(Read(output)));
        for (var r = 0; r < lines.Length; r++)
        {
            var id = (int)((NumericColumn)csvSample["id"])[r];
            var expected = strategy == SampleStrategy.Importance
                ? inputLines[id][..^1] + ",\"sample_weight\":" + csvSample["sample_weight"].Format(r) + "}"
                : inputLines[id];
            Assert.Equal(expected, lines[r]);
        }
    }

    [Fact]
    public async Task Reservoir_SameSeed_SameRowNumbersFromCsvJsonLinesAndParquet()
    {
        var csv = Sample(Csv(), System.IO.Path.Combine(_dir.Path, "out.csv"), SampleStrategy.Reservoir);
        var parquet = Sample(await ParquetAsync(), System.IO.Path.Combine(_dir.Path, "out.parquet"), SampleStrategy.Reservoir);
        Sample(Jsonl(), System.IO.Path.Combine(_dir.Path, "out.jsonl"), SampleStrategy.Reservoir);

        var ids = Ids(Read(System.IO.Path.Combine(_dir.Path, "out.csv")));
        Assert.Equal(40, ids.Length);
        Assert.Equal(ids, Ids(Read(System.IO.Path.Combine(_dir.Path, "out.parquet"))));
        Assert.Equal(ids, Ids(Read(System.IO.Path.Combine(_dir.Path, "out.jsonl"))));
        Assert.Equal((300L, 40L), (parquet.InputRows, parquet.SampledRows));
        Assert.Equal(csv.InputRows, parquet.InputRows);
    }

    [Theory]
    [InlineData("in.parquet", "out.csv", "--output: a sample is written as Parquet like its input; expected a .parquet path, got 'out.csv'.")]
    [InlineData("in.jsonl", "out.parquet", "--output: a sample is written as JSON Lines like its input; expected a .jsonl, .ndjson or .json path, got 'out.parquet'.")]
    public async Task Run_OutputOfAnotherFormat_ErrorNamesTheOptionAndNothingWritten(string inputName, string outputName, string expected)
    {
        var input = inputName.EndsWith(".parquet", StringComparison.Ordinal) ? await ParquetAsync() : Jsonl();
        var output = System.IO.Path.Combine(_dir.Path, outputName);

        var e = Assert.Throws<KeelInputException>(() => Sample(input, output, SampleStrategy.Random));

        Assert.Equal(expected, e.Message);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("{\"a\":1}", "{\"a\":1,\"sample_weight\":2.5}")]
    [InlineData("{ \"a\": 1 }  ", "{ \"a\": 1,\"sample_weight\":2.5}")]
    [InlineData("{}", "{\"sample_weight\":2.5}")]
    public void WithWeight_AnyObject_SampleWeightAddedLast(string line, string expected)
    {
        Assert.Equal(expected, JsonLinesSample.WithWeight(line, 2.5));
    }

    private static int[] Ids(Table t) => Enumerable.Range(0, t.RowCount).Select(r => (int)((NumericColumn)t["id"])[r]).ToArray();
}
