using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;
using Keel.Data;
using Keel.Pipeline.Predict;
using Parquet;
using Parquet.Schema;

namespace Keel.Serving.Tests;

[Collection(ServedModelCollection.Name)]
public sealed class BatchPredictTests(ServedModelFixture f)
{
    [Theory]
    [InlineData("csv", "csv")]
    [InlineData("jsonl", "parquet")]
    [InlineData("parquet", "jsonl")]
    public async Task Predict_FileInChunks_SameAnswersAsTheServer(string inputFormat, string outputFormat)
    {
        var model = await ModelLoader.LoadAsync(f.Store.Artifacts, f.Champion);
        var input = Path.Combine(f.Folder, $"batch-in-{Guid.NewGuid():N}.{inputFormat}");
        var table = TableReader.Read(f.CsvPath, new ReadOptions()).Table;
        switch (inputFormat)
        {
            case "csv": File.Copy(f.CsvPath, input); break;
            case "jsonl": await File.WriteAllLinesAsync(input, Enumerable.Range(0, table.RowCount).Select(r => JsonRow(table, r))); break;
            default: await WriteParquetAsync(input, table, rowsPerGroup: 1000); break;
        }
        var output = Path.Combine(f.Folder, $"batch-out-{Guid.NewGuid():N}.{outputFormat}");
        var progress = new List<long>();
        var result = await BatchPredictor.RunAsync(model, new BatchPredictOptions { Input = input, Output = output, ChunkRows = 700 }, new Collect(progress), CancellationToken.None);

        Assert.Equal(table.RowCount, result.Rows);
        Assert.True(progress.Count >= 5, $"{progress.Count} progress reports");
        var written = TableReader.Read(output, new ReadOptions()).Table;
        Assert.Equal(table.RowCount, written.RowCount);
        var rows = new[] { 0, 1, 699, 700, 2500, table.RowCount - 1 };
        var server = (await ServedModelFixture.JsonAsync(await ServedModelFixture.PostAsync(f.Client, "invocations", f.CsvRows(rows), "text/csv"))).GetProperty("predictions");
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(rows[i], ((NumericColumn)written["row"])[rows[i]]);
            Assert.Equal(server[i].GetProperty("label").GetString(), written["predicted"].Format(rows[i]));
            Assert.Equal(server[i].GetProperty("probabilities").GetProperty("good").GetDouble(), ((NumericColumn)written["p_good"])[rows[i]]);
        }
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    [InlineData("parquet")]
    public async Task Predict_Keep_CopiesTheColumnsAfterRowAndPredictsTheSame(string outputFormat)
    {
        var model = await ModelLoader.LoadAsync(f.Store.Artifacts, f.Champion);
        // An id the model does not read, a column it does (Income), the label it was trained on, and a missing id.
        var lines = File.ReadAllLines(f.CsvPath).Take(1201).Select((l, i) => (i == 0 ? "customer_id" : i == 7 ? "" : $"c-{i - 1:0000}") + "," + l).ToArray();
        var input = Path.Combine(f.Folder, $"keep-in-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(input, lines);
        var kept = Path.Combine(f.Folder, $"keep-out-{Guid.NewGuid():N}.{outputFormat}");
        var plain = Path.Combine(f.Folder, $"plain-out-{Guid.NewGuid():N}.{outputFormat}");
        await BatchPredictor.RunAsync(model, new BatchPredictOptions { Input = input, Output = kept, ChunkRows = 500, Keep = ["customer_id", "Income", "Status"] }, null, CancellationToken.None);
        await BatchPredictor.RunAsync(model, new BatchPredictOptions { Input = input, Output = plain, ChunkRows = 500 }, null, CancellationToken.None);

        var source = TableReader.Read(input, new ReadOptions()).Table;
        var withKept = TableReader.Read(kept, new ReadOptions()).Table;
        var without = TableReader.Read(plain, new ReadOptions()).Table;
        Assert.Equal(["row", "customer_id", "Income", "Status", "predicted", .. model.Model.Classes.Select(c => "p_" + c)], withKept.Columns.Select(c => c.Name));
        Assert.Equal(1200, withKept.RowCount);
        foreach (var r in new[] { 0, 6, 499, 500, 1199 })
        {
            Assert.Equal(source["customer_id"].Format(r), withKept["customer_id"].Format(r));
            Assert.Equal(source["Income"].Format(r), withKept["Income"].Format(r));
            Assert.Equal(source["Status"].Format(r), withKept["Status"].Format(r));
            Assert.Equal(without["p_good"].Format(r), withKept["p_good"].Format(r));
        }
        Assert.True(withKept["customer_id"].IsMissing(6));
    }

    [Theory]
    [InlineData("status", "--keep status: keep-bad.csv has no column of that name; did you mean 'Status'?")]
    [InlineData("p_good", "--keep p_good: the output has a column of that name (row, predicted, p_")]
    [InlineData("Income,Income", "--keep Income: named twice.")]
    public async Task Predict_KeepBadColumn_ErrorNamesItAndLeavesNoOutput(string keep, string expected)
    {
        var model = await ModelLoader.LoadAsync(f.Store.Artifacts, f.Champion);
        var input = Path.Combine(f.Folder, "keep-bad.csv");
        await File.WriteAllLinesAsync(input, File.ReadAllLines(f.CsvPath).Take(50));
        var output = Path.Combine(f.Folder, $"keep-bad-{Guid.NewGuid():N}.csv");
        var e = await Assert.ThrowsAsync<KeelInputException>(() =>
            BatchPredictor.RunAsync(model, new BatchPredictOptions { Input = input, Output = output, Keep = keep.Split(',') }, null, CancellationToken.None));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Predict_BadValueInALaterChunk_ErrorNamesFileRowAndColumnAndLeavesNoOutput()
    {
        var model = await ModelLoader.LoadAsync(f.Store.Artifacts, f.Champion);
        var lines = File.ReadAllLines(f.CsvPath);
        var header = lines[0].Split(',');
        var fields = lines[1501].Split(',');
        fields[Array.IndexOf(header, "\"Income\"")] = "lots";
        lines[1501] = string.Join(",", fields);
        var input = Path.Combine(f.Folder, "bad.csv");
        await File.WriteAllLinesAsync(input, lines);
        var output = Path.Combine(f.Folder, "bad-out.csv");
        var e = await Assert.ThrowsAsync<KeelInputException>(() => BatchPredictor.RunAsync(model, new BatchPredictOptions { Input = input, Output = output, ChunkRows = 500 }, null, CancellationToken.None));
        Assert.Contains("bad.csv row 1500 (0-based), column 'Income': expected a number, got 'lots'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".part"));
    }

    [Theory]
    [InlineData("csv", "add each to the file as a column (an empty value is read as missing)")]
    [InlineData("jsonl", "give each line its key (null for a missing value)")]
    public async Task Predict_FileWithoutAColumn_ErrorSaysHowToAddItInThatFormat(string format, string advice)
    {
        var model = await ModelLoader.LoadAsync(f.Store.Artifacts, f.Champion);
        var input = Path.Combine(f.Folder, "no-income." + format);
        await File.WriteAllTextAsync(input, format == "csv" ? "Seniority,Home\n9,rent\n" : "{\"Seniority\":9,\"Home\":\"rent\"}\n");

        var e = await Assert.ThrowsAsync<KeelInputException>(() => BatchPredictor.RunAsync(model,
            new BatchPredictOptions { Input = input, Output = Path.Combine(f.Folder, "no-income-out.csv") }, null, CancellationToken.None));

        Assert.Contains($"no-income.{format}: missing columns", e.Message, StringComparison.Ordinal);
        Assert.EndsWith($"which the model expects; {advice}.", e.Message, StringComparison.Ordinal);
    }

    private sealed class Collect(List<long> into) : IProgress<long>
    {
        public void Report(long value) => into.Add(value);
    }

    private static string JsonRow(Table t, int r)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var c in t.Columns)
            {
                w.WritePropertyName(c.Name);
                if (c.IsMissing(r)) w.WriteNullValue();
                else if (c is NumericColumn n) w.WriteNumberValue(n[r]);
                else w.WriteStringValue(c.Format(r));
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static async Task WriteParquetAsync(string path, Table t, int rowsPerGroup)
    {
        var fields = t.Columns.Select(c => c is NumericColumn ? (DataField)new DataField<double?>(c.Name) : new DataField<string>(c.Name)).ToArray();
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file);
        for (var start = 0; start < t.RowCount; start += rowsPerGroup)
        {
            var n = Math.Min(rowsPerGroup, t.RowCount - start);
            using var group = writer.CreateRowGroup();
            for (var c = 0; c < fields.Length; c++)
            {
                var col = t.Columns[c];
                if (col is NumericColumn num)
                    await group.WriteAsync<double>(fields[c], Enumerable.Range(start, n).Select(r => num.IsMissing(r) ? (double?)null : num[r]).ToArray());
                else
                    await group.WriteAsync(fields[c], Enumerable.Range(start, n).Select(r => ((StringColumn)col)[r]).ToArray());
            }
        }
    }
}
