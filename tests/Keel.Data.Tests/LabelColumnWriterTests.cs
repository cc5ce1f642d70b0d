using System.Text;
using Keel.Core;
using Keel.Data.Labels;
using Parquet;
using Parquet.Schema;

namespace Keel.Data.Tests;

public sealed class LabelColumnWriterTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Dictionary<int, string> Labels(params (int Row, string Label)[] labels) => labels.ToDictionary(x => x.Row, x => x.Label);

    [Fact]
    public void Write_SemicolonCsv_KeepsDelimiterQuotesMissingTokensAndDecimalCommas()
    {
        var path = _dir.Write("pool.csv", "a;b;label\r\n1,5;\"x;y\";\r\nNA;\"plain\";\r\n3,0;z;good\r\n");

        LabelColumnWriter.Write(path, new ReadOptions(), "label", Labels((0, "bad"), (1, "a;b")));

        Assert.Equal("a;b;label\r\n1,5;\"x;y\";bad\r\nNA;\"plain\";\"a;b\"\r\n3,0;z;good\r\n", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".part"));
    }

    [Fact]
    public void Write_TsvWithoutTheColumn_AddsItLastEmptyWhereUnset()
    {
        var path = _dir.Write("pool.tsv", "a\tb\n1\t\"q\tz\"\nNA\t2\n");

        LabelColumnWriter.Write(path, new ReadOptions(), "Species", Labels((1, "Gentoo")));

        Assert.Equal("a\tb\tSpecies\n1\t\"q\tz\"\t\nNA\t2\tGentoo\n", File.ReadAllText(path));
    }

    [Fact]
    public void Write_Latin1CsvWithUtf8Bom_KeepsEncodingAndBom()
    {
        var latin = _dir.Write("latin.csv", "");
        File.WriteAllBytes(latin, Encoding.Latin1.GetBytes("x,label\ncafé,\n"));
        LabelColumnWriter.Write(latin, new ReadOptions { Encoding = "latin1" }, "label", Labels((0, "bäd")));
        Assert.Equal(Encoding.Latin1.GetBytes("x,label\ncafé,bäd\n"), File.ReadAllBytes(latin));

        var bom = _dir.Write("bom.csv", "");
        File.WriteAllBytes(bom, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("x,label\ncafé,\n")]);
        LabelColumnWriter.Write(bom, new ReadOptions(), "label", Labels((0, "żółw")));
        Assert.Equal([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("x,label\ncafé,żółw\n")], File.ReadAllBytes(bom));
    }

    [Fact]
    public void Write_LabelTheEncodingCannotHold_ErrorAndFileUnchanged()
    {
        var path = _dir.Write("latin.csv", "");
        var before = Encoding.Latin1.GetBytes("x,label\ncafé,\n");
        File.WriteAllBytes(path, before);

        var e = Assert.Throws<KeelInputException>(() => LabelColumnWriter.Write(path, new ReadOptions { Encoding = "latin1" }, "label", Labels((0, "Żółw"))));

        Assert.Contains("latin.csv", e.Message);
        Assert.Contains("'Ż'", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".part"));
    }

    [Fact]
    public void Write_JsonLines_LinesWithoutALabelUntouchedAndNumbersStayNumbers()
    {
        var path = _dir.Write("pool.jsonl", "{\"a\": 1.50, \"txt\": \"Dréam\", \"label\": null}\n\n{\"a\":2,\"label\":1}\n{\"a\":3}\n");

        LabelColumnWriter.Write(path, new ReadOptions(), "label", Labels((0, "0"), (2, "1")));

        Assert.Equal("{\"a\":1.50,\"txt\":\"Dréam\",\"label\":0}\n\n{\"a\":2,\"label\":1}\n{\"a\":3,\"label\":1}\n", File.ReadAllText(path));

        // A label that is not a JSON number stays text rather than breaking the line.
        LabelColumnWriter.Write(path, new ReadOptions(), "label", Labels((0, "NaN"), (2, "+1")));
        Assert.Equal("{\"a\":1.50,\"txt\":\"Dréam\",\"label\":\"NaN\"}\n\n{\"a\":2,\"label\":1}\n{\"a\":3,\"label\":\"+1\"}\n", File.ReadAllText(path));
    }

    [Fact]
    public void Write_JsonLinesOfStringLabels_NumericLookingLabelStaysAString()
    {
        var path = _dir.Write("pool.jsonl", "{\"a\":1,\"label\":\"good\"}\n{\"a\":2}\n");

        LabelColumnWriter.Write(path, new ReadOptions(), "label", Labels((1, "2")));

        Assert.Equal("{\"a\":1,\"label\":\"good\"}\n{\"a\":2,\"label\":\"2\"}\n", File.ReadAllText(path));
    }

    [Fact]
    public void Write_JsonLinesNestedLabelColumn_SetsItWhereTheReaderFindsItAndReadsBack()
    {
        var path = _dir.Write("pool.jsonl", "{\"x\":1,\"meta\":{\"label\":null,\"by\":\"a\"}}\n{\"x\":2,\"meta\":{\"label\":3}}\n{\"x\":3}\n");

        LabelColumnWriter.Write(path, new ReadOptions(), "meta.label", Labels((0, "7"), (2, "8")));

        Assert.Equal("{\"x\":1,\"meta\":{\"label\":7,\"by\":\"a\"}}\n{\"x\":2,\"meta\":{\"label\":3}}\n{\"x\":3,\"meta.label\":8}\n", File.ReadAllText(path));
        var table = TableReader.Read(path, new ReadOptions()).Table;
        Assert.Equal([7, 3, 8], ((Keel.Core.Data.NumericColumn)table["meta.label"]).Values.ToArray());
    }

    private static readonly DataField<int> Id = new("id");
    private static readonly DataField<double?> Score = new("score");
    private static readonly DataField<string> Island = new("island");
    private static readonly DataField<long?> Target = new("target");

    private async Task<string> WriteParquet(bool withTarget)
    {
        var path = Path.Combine(_dir.Path, "pool.parquet");
        await using var stream = File.Create(path);
        DataField[] fields = withTarget ? [Id, Score, Island, Target] : [Id, Score, Island];
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        writer.CustomMetadata = new Dictionary<string, string> { ["origin"] = "test" };
        foreach (var (ids, scores, islands, targets) in new (int[], double?[], string?[], long?[])[]
                 {
                     ([1, 2], [1.5, null], ["Dream", null], [null, 0]),
                     ([3], [-2.0], ["NA"], [null]),
                 })
        {
            using var g = writer.CreateRowGroup();
            await g.WriteAsync<int>(Id, ids.AsMemory());
            await g.WriteAsync<double>(Score, scores.AsMemory());
            await g.WriteAsync(Island, islands!);
            if (withTarget) await g.WriteAsync<long>(Target, targets.AsMemory());
        }
        return path;
    }

    private static async Task<(ParquetSchema Schema, int[] GroupRows, Dictionary<string, string> Metadata, Dictionary<string, object?[]> Columns)> ReadParquet(string path)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var columns = reader.Schema.DataFields.ToDictionary(f => f.Name, _ => new List<object?>());
        var groups = new List<int>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            groups.Add(n);
            foreach (var f in reader.Schema.DataFields)
            {
                if (ParquetTableReader.IsString(f))
                {
                    var s = new ReadOnlyMemory<char>?[n];
                    await ParquetTableReader.ReadValues(group, f, s, n);
                    columns[f.Name].AddRange(s.Select(m => m?.ToString()));
                }
                else if (f.ClrType == typeof(int))
                {
                    var v = new int[n];
                    await group.ReadAsync<int>(f, v.AsMemory());
                    columns[f.Name].AddRange(v.Cast<object?>());
                }
                else if (f.ClrType == typeof(double))
                {
                    var v = new double?[n];
                    await group.ReadAsync<double>(f, v.AsMemory(), null);
                    columns[f.Name].AddRange(v.Cast<object?>());
                }
                else
                {
                    var v = new long?[n];
                    await group.ReadAsync<long>(f, v.AsMemory(), null);
                    columns[f.Name].AddRange(v.Cast<object?>());
                }
            }
        }
        return (reader.Schema, [.. groups], reader.CustomMetadata, columns.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()));
    }

    [Fact]
    public async Task Write_ParquetWithoutTheColumn_AddsAStringColumnAndKeepsTypesGroupsAndMetadata()
    {
        var path = await WriteParquet(withTarget: false);

        LabelColumnWriter.Write(path, new ReadOptions(), "label", Labels((0, "Adelie"), (2, "Gentoo")));

        var (schema, groups, metadata, columns) = await ReadParquet(path);
        Assert.Equal(["id", "score", "island", "label"], schema.DataFields.Select(f => f.Name));
        Assert.Equal([typeof(int), typeof(double), typeof(string), typeof(string)], schema.DataFields.Select(f => ParquetTableReader.IsString(f) ? typeof(string) : f.ClrType));
        Assert.Equal([2, 1], groups);
        Assert.Equal("test", metadata["origin"]);
        Assert.Equal([1, 2, 3], columns["id"]);
        Assert.Equal([1.5, null, -2.0], columns["score"]);
        Assert.Equal(["Dream", null, "NA"], columns["island"]);
        Assert.Equal(["Adelie", null, "Gentoo"], columns["label"]);
    }

    [Fact]
    public async Task Write_ParquetIntegerLabelColumn_SetsValuesOfItsTypeAndRefusesOthers()
    {
        var path = await WriteParquet(withTarget: true);

        LabelColumnWriter.Write(path, new ReadOptions(), "target", Labels((0, "1"), (2, "0")));

        var (schema, _, _, columns) = await ReadParquet(path);
        Assert.Equal(typeof(long), schema.DataFields.Single(f => f.Name == "target").ClrType);
        Assert.Equal([1L, 0L, 0L], columns["target"]);

        var before = File.ReadAllBytes(path);
        var e = Assert.Throws<KeelInputException>(() => LabelColumnWriter.Write(path, new ReadOptions(), "target", Labels((1, "bad"))));
        Assert.Contains("column 'target'", e.Message);
        Assert.Contains("'bad'", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".part"));
    }
}
