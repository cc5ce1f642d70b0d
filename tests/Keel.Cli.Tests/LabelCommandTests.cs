namespace Keel.Cli.Tests;

/// <summary>keel label weak, suggest, import and agreement through the real command tree.</summary>
public sealed class LabelCommandTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private const string PenguinRules = """
        # Penguins by beak and island
        beak: `Beak Length (mm)` > 45 and `Beak Depth (mm)` < 16 -> Gentoo
        beak: `Beak Length (mm)` < 40 -> Adelie
        island: lookup Island in islands.csv
        flipper: `Flipper Length (mm)` > 210 -> Gentoo
        flipper: `Flipper Length (mm)` < 195 -> abstain
        depends: beak, flipper
        """;

    [Fact]
    public async Task Weak_PenguinRules_JsonReportsFunctionsAndWritesLabels()
    {
        _h.CopySample("penguins.csv");
        _h.Write("islands.csv", "Island,label\nTorgersen,Adelie\nDream,Chinstrap\n");
        _h.Write("rules.lf", PenguinRules);
        var gold = File.ReadAllLines(CliHarness.Sample("penguins.csv")).Skip(1).Select(l => l.Split(',')[0]);
        _h.Write("gold.csv", "label\n" + string.Join("\n", gold) + "\n");

        var r = await _h.RunAsync("label", "weak", "--rules", "rules.lf", "--data", "penguins.csv", "--gold", "gold.csv", "--out", "weak.csv", "--json");

        Assert.True(r.Exit == 0, r.Error);
        var json = r.Json();
        Assert.Equal(["beak", "island", "flipper"], json.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToArray());
        Assert.Equal("lookup", json.GetProperty("functions")[1].GetProperty("kind").GetString());
        Assert.Contains(json.GetProperty("groups").EnumerateArray(), g => g.EnumerateArray().Select(x => x.GetString()).SequenceEqual(["beak", "flipper"]));
        Assert.True(json.GetProperty("label_model_accuracy").GetDouble() > 0.5);
        var lines = File.ReadAllLines(Path.Combine(_h.Folder, "weak.csv"));
        Assert.Equal(345, lines.Length);
        Assert.EndsWith("weak_label,weak_confidence,p_Adelie,p_Chinstrap,p_Gentoo,majority_vote", lines[0]);
    }

    [Theory]
    [InlineData("beak: `Beak Length (mm)` > > 45 -> Gentoo", "rules.lf line 1", "position")]
    [InlineData("beak `Beak Length (mm)` > 45 -> Gentoo", "rules.lf line 1", "expected 'NAME: CONDITION -> LABEL'")]
    [InlineData("beak: Wingspan > 45 -> Gentoo", "rules.lf line 1", "column 'Wingspan' is not in penguins.csv")]
    [InlineData("island: lookup Island in nowhere.csv", "rules.lf line 1", "does not exist")]
    [InlineData("a: Island == \"Dream\" -> Chinstrap\ndepends: a, b", "rules.lf line 2", "'b'")]
    public async Task Weak_BadRuleFile_Exit1NamingFileLineAndProblem(string rules, string where, string problem)
    {
        _h.CopySample("penguins.csv");
        _h.Write("rules.lf", rules + "\nb2: Island == \"Biscoe\" -> Adelie\n");

        var r = await _h.RunAsync("label", "weak", "--rules", "rules.lf", "--data", "penguins.csv", "--json");

        Assert.Equal(1, r.Exit);
        Assert.Contains(where, r.Error);
        Assert.Contains(problem, r.Error);
    }

    [Fact]
    public async Task Weak_GoldFileWithoutLabelColumn_Exit1NamingTheFile()
    {
        _h.CopySample("penguins.csv");
        _h.Write("rules.lf", "a: Island == \"Dream\" -> Chinstrap\nb: Island == \"Biscoe\" -> Gentoo\n");
        _h.Write("gold.csv", "row,x,y\n0,Adelie,1\n");

        var r = await _h.RunAsync("label", "weak", "--rules", "rules.lf", "--data", "penguins.csv", "--gold", "gold.csv");

        Assert.Equal(1, r.Exit);
        Assert.Contains("gold.csv: expected a column named 'label'", r.Error);
    }

    [Fact]
    public async Task Weak_Latin1SemicolonDataToTsv_ReadWithEncodingWrittenTabSeparated()
    {
        File.WriteAllBytes(Path.Combine(_h.Folder, "d.csv"), System.Text.Encoding.Latin1.GetBytes("Größe;Ort\n1,5;Köln\n0,5;Bonn\n2,5;Köln\n"));
        _h.Write("rules.lf", "big: `Größe` > 1 -> groß\nsmall: Ort == \"Bonn\" -> klein\n");

        var r = await _h.RunAsync("label", "weak", "--rules", "rules.lf", "--data", "d.csv", "--encoding", "latin1", "--out", "w.tsv", "--json");

        Assert.True(r.Exit == 0, r.Error);
        var lines = File.ReadAllLines(Path.Combine(_h.Folder, "w.tsv"));
        Assert.Equal("Größe\tOrt\tweak_label\tweak_confidence\tp_groß\tp_klein\tmajority_vote", lines[0]);
        Assert.StartsWith("1.5\tKöln\tgroß\t", lines[1]);
        Assert.StartsWith("0.5\tBonn\tklein\t", lines[2]);
    }

    [Fact]
    public async Task Weak_OutNotCsv_Exit1NamingTheOptionAndNothingWritten()
    {
        _h.CopySample("penguins.csv");
        _h.Write("rules.lf", "a: Island == \"Dream\" -> Chinstrap\nb: Island == \"Biscoe\" -> Gentoo\n");

        var r = await _h.RunAsync("label", "weak", "--rules", "rules.lf", "--data", "penguins.csv", "--out", "weak.parquet");

        Assert.Equal(1, r.Exit);
        Assert.Contains("--out: the labelled rows are written as CSV: a .csv or .tsv path (JSON Lines or Parquet data can also be written in their own format); got 'weak.parquet'", r.Error);
        Assert.False(File.Exists(Path.Combine(_h.Folder, "weak.parquet")));
        var same = await _h.RunAsync("label", "weak", "--rules", "rules.lf", "--data", "penguins.csv", "--out", "penguins.csv");
        Assert.Equal(1, same.Exit);
        Assert.Contains("--out penguins.csv: the input file itself", same.Error);
        Assert.Equal(File.ReadAllBytes(CliHarness.Sample("penguins.csv")), File.ReadAllBytes(Path.Combine(_h.Folder, "penguins.csv")));
    }

    private const string IslandRules = "dream: island == \"Dream\" -> Chinstrap\nbiscoe: island == \"Biscoe\" -> Gentoo\nshort: bill < 40 -> Adelie\n";

    [Fact]
    public async Task Weak_ParquetDataToParquet_KeepsFieldsTypesAndGroupsAndAddsTheCsvColumnsTyped()
    {
        var data = Path.Combine(_h.Folder, "birds.parquet");
        var id = new Parquet.Schema.DataField<int>("id");
        var island = new Parquet.Schema.DataField<string>("island");
        var bill = new Parquet.Schema.DataField<double?>("bill");
        await using (var stream = File.Create(data))
        await using (var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(id, island, bill), stream))
        {
            foreach (var (ids, islands, bills) in new (int[], string?[], double?[])[]
                     {
                         ([1, 2, 3], ["Dream", "Biscoe", "Torgersen"], [45.0, 38.5, 47.0]),
                         ([4, 5], ["Dream", null], [39.0, null]),
                     })
            {
                using var g = writer.CreateRowGroup();
                await g.WriteAsync<int>(id, ids.AsMemory());
                await g.WriteAsync(island, islands!);
                await g.WriteAsync<double>(bill, bills.AsMemory());
            }
        }
        _h.Write("rules.lf", IslandRules);

        var csv = await _h.RunAsync("label", "weak", "--rules", "rules.lf", "--data", "birds.parquet", "--out", "weak.csv");
        var parquet = await _h.RunAsync("label", "weak", "--rules", "rules.lf", "--data", "birds.parquet", "--out", "weak.parquet");

        Assert.True(csv.Exit == 0, csv.Error);
        Assert.True(parquet.Exit == 0, parquet.Error);
        await using var read = await Parquet.ParquetReader.CreateAsync(Path.Combine(_h.Folder, "weak.parquet"));
        Assert.Equal([typeof(int), typeof(string), typeof(double), typeof(string), typeof(double), typeof(double), typeof(double), typeof(double), typeof(string)],
            read.Schema.DataFields.Select(f => f.ClrType == typeof(ReadOnlyMemory<char>) ? typeof(string) : f.ClrType));
        Assert.Equal([3L, 2L], Enumerable.Range(0, read.RowGroupCount).Select(g => read.OpenRowGroupReader(g).RowCount));
        var expected = Keel.Data.TableReader.Read(Path.Combine(_h.Folder, "weak.csv"), new Keel.Data.ReadOptions { AsText = true }).Table;
        var actual = Keel.Data.TableReader.Read(Path.Combine(_h.Folder, "weak.parquet"), new Keel.Data.ReadOptions { AsText = true }).Table;
        Assert.Equal(["id", "island", "bill", "weak_label", "weak_confidence", "p_Adelie", "p_Chinstrap", "p_Gentoo", "majority_vote"],
            actual.Columns.Select(c => c.Name));
        Assert.Equal(expected.Columns.Select(c => c.Name), actual.Columns.Select(c => c.Name));
        foreach (var c in expected.Columns.Select(c => c.Name).Where(c => c is "id" or "island" or "weak_label" or "majority_vote"))
            Assert.Equal(Cells(expected, c), Cells(actual, c));
        Assert.Equal("Chinstrap", Cells(actual, "weak_label")[0]);
        Assert.Equal(["", ""], Cells(actual, "weak_label").Where((_, r) => r is 2 or 4)); // no function votes: missing, not empty text
        Assert.True(actual.Columns.Single(c => c.Name == "weak_label").IsMissing(4));
        Assert.Equal(Cells(expected, "p_Gentoo").Select(Number), Cells(actual, "p_Gentoo").Select(Number), new Tolerance(1e-6));
    }

    [Fact]
    public async Task Weak_JsonLinesToJsonl_KeepsEveryFieldAndBlankLineAndAddsNumbersAndNulls()
    {
        _h.Write("birds.jsonl", "{\"id\":1,\"island\":\"Dream\",\"bill\":45.5,\"ok\":true,\"note\":null}\n\n{\"id\":2,\"island\":\"Biscoe\",\"bill\":38}\n"
            + "{\"id\":3,\"island\":\"Torgersen\",\"bill\":47}\n");
        _h.Write("rules.lf", IslandRules);

        var r = await _h.RunAsync("label", "weak", "--rules", "rules.lf", "--data", "birds.jsonl", "--out", "weak.jsonl");

        Assert.True(r.Exit == 0, r.Error);
        var lines = File.ReadAllLines(Path.Combine(_h.Folder, "weak.jsonl"));
        Assert.Equal(4, lines.Length);
        Assert.Equal("", lines[1]);
        using var first = System.Text.Json.JsonDocument.Parse(lines[0]);
        Assert.True(first.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, first.RootElement.GetProperty("note").ValueKind);
        Assert.Equal(45.5, first.RootElement.GetProperty("bill").GetDouble());
        Assert.Equal("Chinstrap", first.RootElement.GetProperty("weak_label").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, first.RootElement.GetProperty("weak_confidence").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, first.RootElement.GetProperty("p_Gentoo").ValueKind);
        using var uncovered = System.Text.Json.JsonDocument.Parse(lines[3]);
        Assert.Equal(3, uncovered.RootElement.GetProperty("id").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, uncovered.RootElement.GetProperty("weak_label").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, uncovered.RootElement.GetProperty("p_Adelie").ValueKind);
        var csv = await _h.RunAsync("label", "weak", "--rules", "rules.lf", "--data", "birds.jsonl", "--out", "weak.parquet");
        Assert.Equal(1, csv.Exit);
        Assert.Contains("or JSON Lines like the data: a .jsonl, .ndjson or .json path; got 'weak.parquet'", csv.Error);
    }

    private static string[] Cells(Keel.Core.Data.Table table, string column)
    {
        var c = table.Columns.Single(x => x.Name == column);
        return [.. Enumerable.Range(0, table.RowCount).Select(r => c.IsMissing(r) ? "" : c.Format(r))];
    }

    private static double Number(string cell) => cell.Length == 0 ? double.NaN : double.Parse(cell, System.Globalization.CultureInfo.InvariantCulture);

    private sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => double.IsNaN(x) ? double.IsNaN(y) : Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

/// <summary>keel label suggest, import and agreement through the real command tree.</summary>
public sealed class ActiveLabelCommandTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Theory]
    [InlineData("uncertainty")]
    [InlineData("margin")]
    [InlineData("entropy")]
    [InlineData("diversity")]
    public async Task Suggest_Strategy_NRowsBestFirstWrittenWithPoolColumns(string strategy)
    {
        _h.CopySample("penguins.csv");
        _h.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [linear]\nregister: {alias: champion}\n");
        Assert.Equal(0, (await _h.RunAsync("run", "keel.yaml")).Exit);

        var r = await _h.RunAsync("label", "suggest", "--model", "penguins@champion", "--pool", "penguins.csv", "--n", "5", "--strategy", strategy, "--out", "ask.csv", "--json");

        Assert.True(r.Exit == 0, r.Error);
        var scores = r.Json().GetProperty("suggestions").EnumerateArray().Select(x => x.GetProperty("score").GetDouble()).ToArray();
        Assert.Equal(5, scores.Length);
        // Diversity's first row is the least confident (scored by uncertainty); the rest by the distance they were picked at.
        var ranked = strategy == "diversity" ? scores[1..] : scores;
        Assert.Equal(ranked.OrderDescending(), ranked);
        Assert.Equal(344, r.Json().GetProperty("pool_rows").GetInt64());
        var lines = File.ReadAllLines(Path.Combine(_h.Folder, "ask.csv"));
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("row,score,Species,Island", lines[0]);
    }

    [Fact]
    public async Task Suggest_OutTsvWrittenTabSeparatedAndParquetRefused()
    {
        _h.CopySample("penguins.csv");
        _h.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [linear]\nregister: {alias: champion}\n");
        Assert.Equal(0, (await _h.RunAsync("run", "keel.yaml")).Exit);

        var tsv = await _h.RunAsync("label", "suggest", "--model", "penguins@champion", "--pool", "penguins.csv", "--n", "3", "--out", "ask.tsv");
        var parquet = await _h.RunAsync("label", "suggest", "--model", "penguins@champion", "--pool", "penguins.csv", "--n", "3", "--out", "ask.parquet");

        Assert.True(tsv.Exit == 0, tsv.Error);
        Assert.StartsWith("row\tscore\tSpecies\tIsland\tBeak Length (mm)", File.ReadAllLines(Path.Combine(_h.Folder, "ask.tsv"))[0]);
        Assert.Equal(1, parquet.Exit);
        Assert.Contains("--out: these rows are written as CSV; expected a .csv or .tsv path, got 'ask.parquet'", parquet.Error);
        Assert.False(File.Exists(Path.Combine(_h.Folder, "ask.parquet")));
    }

    [Fact]
    public async Task Suggest_UnknownStrategy_Exit1NamingTheOption()
    {
        var r = await _h.RunAsync("label", "suggest", "--model", "x@champion", "--pool", "p.csv", "--strategy", "random");

        Assert.Equal(1, r.Exit);
        Assert.Contains("--strategy: expected uncertainty, margin, entropy or diversity, got 'random'", r.Error);
    }

    [Fact]
    public async Task Import_TwoAnnotators_LabelsLineageAndCohensKappa()
    {
        _h.Write("pool.csv", "x,label\n1,\n2,\n3,\n4,\n5,\n6,\n");
        _h.Write("ann.csv", "row,label\n0,a\n1,a\n2,b\n3,b\n4,a\n5,b\n");
        _h.Write("bob.csv", "row,score,x,label\n0,0.5,1,a\n1,0.5,2,b\n2,0.5,3,b\n3,0.5,4,b\n4,0.5,5,a\n5,0.5,6,a\n");

        Assert.Equal(0, (await _h.RunAsync("label", "import", "pool.csv", "--labels", "ann.csv", "--annotator", "ann")).Exit);
        var r = await _h.RunAsync("label", "import", "pool.csv", "--labels", "bob.csv", "--annotator", "bob", "--json");

        Assert.True(r.Exit == 0, r.Error);
        var m = r.Json().GetProperty("multiplicity");
        // 4 of 6 rows agree; both annotators say a 3 times and b 3 times: chance 0.5, kappa (2/3 - 1/2) / (1/2) = 1/3.
        Assert.Equal(1 / 3.0, m.GetProperty("cohens_kappa").GetDouble(), 12);
        Assert.Equal(4 / 6.0, m.GetProperty("agreement").GetDouble(), 12);
        Assert.Equal(6, m.GetProperty("multiply_labelled").GetInt32());
        // Ties between the two annotators go to the earlier label (ann's).
        Assert.Equal(["x,label", "1,a", "2,a", "3,b", "4,b", "5,a", "6,b"], File.ReadAllLines(Path.Combine(_h.Folder, "pool.csv")));
        var lineage = File.ReadAllLines(Path.Combine(_h.Folder, "pool.csv.labels.csv"));
        Assert.Equal(13, lineage.Length);
        Assert.StartsWith("5,a,bob,", lineage[^1]);
        var again = await _h.RunAsync("label", "agreement", "pool.csv", "--json");
        Assert.Equal(1 / 3.0, again.Json().GetProperty("cohens_kappa").GetDouble(), 12);
    }

    [Fact]
    public async Task Import_RowOutOfRange_Exit1NamingFileLineAndColumnAndDataUnchanged()
    {
        var data = _h.Write("pool.csv", "x,label\n1,\n2,\n");
        _h.Write("ann.csv", "row,label\n0,a\n7,b\n");

        var r = await _h.RunAsync("label", "import", "pool.csv", "--labels", "ann.csv", "--annotator", "ann");

        Assert.Equal(1, r.Exit);
        Assert.Contains("ann.csv line 3, column 'row': expected a data row number from 0 to 1, got '7'", r.Error);
        Assert.Equal("x,label\n1,\n2,\n", File.ReadAllText(data));
        Assert.False(File.Exists(data + ".labels.csv"));
    }

    [Fact]
    public async Task Import_SemicolonLatin1File_OnlyTheLabelFieldsChange()
    {
        // A European export: semicolons, decimal commas, NA for missing, quotes, Latin-1. Only the labels may change.
        var data = Path.Combine(_h.Folder, "pool.csv");
        File.WriteAllBytes(data, System.Text.Encoding.Latin1.GetBytes("Höhe;Ort;Status\r\n1,5;\"Köln\";\r\nNA;Zürich;gut\r\n2,25;\"a;b\";\r\n"));
        _h.Write("ann.csv", "row,label\n0,schlecht\n2,gut\n");

        var r = await _h.RunAsync("label", "import", "pool.csv", "--labels", "ann.csv", "--annotator", "ann", "--label-column", "Status", "--encoding", "latin1");

        Assert.True(r.Exit == 0, r.Error);
        Assert.Equal(System.Text.Encoding.Latin1.GetBytes("Höhe;Ort;Status\r\n1,5;\"Köln\";schlecht\r\nNA;Zürich;gut\r\n2,25;\"a;b\";gut\r\n"), File.ReadAllBytes(data));
    }

    [Fact]
    public async Task Import_JsonLinesFile_StaysJsonLines()
    {
        var data = _h.Write("pool.jsonl", "{\"x\":1.5,\"label\":null}\n{\"x\":2,\"label\":\"b\"}\n");
        _h.Write("ann.csv", "row,label\n0,a\n");

        var r = await _h.RunAsync("label", "import", "pool.jsonl", "--labels", "ann.csv", "--annotator", "ann");

        Assert.True(r.Exit == 0, r.Error);
        Assert.Equal("{\"x\":1.5,\"label\":\"a\"}\n{\"x\":2,\"label\":\"b\"}\n", File.ReadAllText(data));
    }
}

/// <summary>keel run with a labels section: what self-training did is recorded with the run.</summary>
public sealed class SelfTrainingRunTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Run_SelfTraining_ParamsRecordThresholdRoundsAndRowsAdded()
    {
        var lines = File.ReadAllLines(CliHarness.Sample("penguins.csv"));
        _h.Write("penguins.csv", string.Join("\n", lines.Select((l, i) => i > 0 && i % 3 == 0 ? l[l.IndexOf(',', StringComparison.Ordinal)..] : l)) + "\n");
        _h.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [linear]\nlabels: {self_training: {threshold: 0.95, iterations: 4}}\n");

        var r = await _h.RunAsync("run", "keel.yaml", "--json");

        Assert.True(r.Exit == 0, r.Error);
        var show = (await _h.RunAsync("runs", "show", r.Json().GetProperty("run_id").GetString()!, "--json")).Json();
        var p = show.GetProperty("run").GetProperty("params");
        Assert.Equal("0.95", p.GetProperty("labels.self_training.threshold").GetString());
        Assert.Equal("4", p.GetProperty("labels.self_training.iterations").GetString());
        Assert.Equal("114", p.GetProperty("labels.unlabelled_rows").GetString());
        Assert.True(int.Parse(p.GetProperty("labels.self_training.linear.added").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(p.TryGetProperty("labels.self_training.final.added_per_round", out _));
    }
}
