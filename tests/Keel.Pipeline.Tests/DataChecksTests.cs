using Keel.Core;
using Keel.Data.Quality;

namespace Keel.Pipeline.Tests;

public sealed class DataChecksTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-checks-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test folder.");
    }

    private static string Sample(string name) => Path.Combine(Root(), "samples", name);

    private static string Flights => Path.Combine(Root(), "tests", "Keel.Pipeline.Tests", "Fixtures", "flights-5k.csv");

    private PreparedRun Prepare(string yaml)
    {
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, yaml);
        return RunPreparation.Prepare(spec, null);
    }

    [Theory]
    [InlineData("credit_data.csv", "Status", "")]
    [InlineData("penguins.csv", "Species", "")]
    [InlineData("ames.csv", "Sale_Price", "")]
    [InlineData("seattle-weather.csv", "weather", "")]
    [InlineData("seattle-weather.csv", "weather", ", time_column: date}\nsplit: {strategy: time")]
    public void Prepare_CleanSample_NoLeakageFinding(string file, string label, string extra)
    {
        var run = Prepare($"data: {{path: {Sample(file)}, label: {label}{extra}}}\nmodels: [zero_rule]\n");

        Assert.Empty(run.Checks.Leakage);
    }

    [Fact]
    public void Prepare_FlightsWithRawDelayAsFeature_TargetLeakageNamesDelay()
    {
        var run = Prepare($"data: {{path: {Flights}, label: delayed, time_column: date}}\nsplit: {{strategy: time}}\nmodels: [zero_rule]\n");

        var finding = Assert.Single(run.Checks.Leakage, f => f.Check == "target_leakage");
        Assert.Equal(["delay"], finding.Columns);
        Assert.Contains("'delay'", finding.Message, StringComparison.Ordinal);
        Assert.Contains("data.ignore", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_FlightsWithDelayIgnored_NoLeakageFinding()
    {
        var run = Prepare($"data: {{path: {Flights}, label: delayed, time_column: date, ignore: [delay]}}\nsplit: {{strategy: time}}\nmodels: [zero_rule]\n");

        Assert.Empty(run.Checks.Leakage);
    }

    [Fact]
    public void Prepare_LeakageErrorWithLeakingFeature_FailsNamingTheColumn()
    {
        var e = Assert.Throws<KeelInputException>(() =>
            Prepare($"data: {{path: {Flights}, label: delayed, time_column: date}}\nmodels: [zero_rule]\nleakage: error\n"));

        Assert.Contains("field 'leakage'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'delay'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_CreditWithFivePercentOfTestRowsCopiedIntoTrain_ReportsTheDuplicates()
    {
        var lines = File.ReadAllLines(Sample("credit_data.csv"));
        var test = File.ReadAllLines(Path.Combine(Root(), "samples", "splits", "credit_data.test.txt")).Select(int.Parse).ToArray();
        var copied = test.Where((_, i) => i % 20 == 0).ToArray(); // 5 % of the test rows
        File.WriteAllLines(Path.Combine(_dir, "credit.csv"), [.. lines, .. copied.Select(r => lines[r + 1])]);
        File.WriteAllLines(Path.Combine(_dir, "test.txt"), test.Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var run = Prepare("data: {path: credit.csv, label: Status}\nsplit: {strategy: predefined, predefined: {test_rows: test.txt}, validation_fraction: 0}\nmodels: [zero_rule]\n");

        var finding = Assert.Single(run.Checks.Leakage, f => f.Check == "train_test_duplicates" && f.Message.Contains("test rows", StringComparison.Ordinal));
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(copied.Length, finding.RowCount);
        Assert.Equal(copied.Take(Finding.MaxListedRows).Order(), finding.Rows);
    }

    [Fact]
    public void Prepare_RowsWithoutLabelDropped_FindingsNameFileRowsInTextAndList()
    {
        // The first 10 data rows have no label (dropped before the checks); data rows 20-24 are repeated at the end.
        var lines = File.ReadAllLines(Sample("credit_data.csv"));
        var data = lines.Skip(1).Select((l, i) => i < 10 ? string.Concat("\"\"", l.AsSpan(l.IndexOf(','))) : l).ToArray();
        File.WriteAllLines(Path.Combine(_dir, "credit.csv"), [lines[0], .. data, .. data.Skip(20).Take(5)]);

        var run = Prepare("data: {path: credit.csv, label: Status}\nmodels: [zero_rule]\n");

        var duplicates = Assert.Single(run.Checks.Integrity, f => f.Check == "duplicate_rows");
        string[] file = [.. data, .. data.Skip(20).Take(5)];
        var firstSeen = new Dictionary<string, int>();
        var repeats = new List<(int Row, int Of)>();
        for (var r = 10; r < file.Length; r++)
        {
            if (!firstSeen.TryAdd(file[r], r)) repeats.Add((r, firstSeen[file[r]]));
        }
        Assert.EndsWith($"the first: row {repeats[0].Row} repeats row {repeats[0].Of}.", duplicates.Message);
        Assert.Equal(repeats.Select(x => x.Row).Take(Finding.MaxListedRows), duplicates.Rows);
        Assert.Contains((data.Length, 20), repeats);
        var outliers = run.Checks.Integrity.Where(f => f.Check == "extreme_outliers").ToArray();
        Assert.NotEmpty(outliers);
        foreach (var f in outliers)
        {
            var named = int.Parse(System.Text.RegularExpressions.Regex.Match(f.Message, @"in row (\d+)\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(named, f.Rows);
        }
    }

    [Fact]
    public void Prepare_IntegrityOffOrError_SkipsTheChecksOrFailsNamingTheFinding()
    {
        // credit_data with a few rows repeated: the duplicate_rows check finds them (a warning).
        var lines = File.ReadAllLines(Sample("credit_data.csv"));
        File.WriteAllLines(Path.Combine(_dir, "credit.csv"), [.. lines, .. lines.Skip(1).Take(5)]);
        const string Spec = "data: {path: credit.csv, label: Status}\nmodels: [zero_rule]\n";

        Assert.Contains(Prepare(Spec).Checks.Integrity, f => f.Check == "duplicate_rows");
        Assert.Empty(Prepare(Spec + "integrity: off\n").Checks.Integrity);
        var e = Assert.Throws<KeelInputException>(() => Prepare(Spec + "integrity: error\n"));
        Assert.Contains("field 'integrity'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[duplicate_rows]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_FeatureDeclaredAvailableAfterLabel_ErrorFindingNamesIt()
    {
        var run = Prepare($"data: {{path: {Sample("penguins.csv")}, label: Species, available_at: {{'Body Mass (g)': after_label, Island: at_prediction}}}}\nmodels: [zero_rule]\n");

        var finding = Assert.Single(run.Checks.Leakage);
        Assert.Equal("available_after_label", finding.Check);
        Assert.Equal(["Body Mass (g)"], finding.Columns);
    }

    [Fact]
    public void Prepare_AvailableAtUnknownColumn_ErrorNamesField()
    {
        var e = Assert.Throws<KeelInputException>(() =>
            Prepare($"data: {{path: {Sample("penguins.csv")}, label: Species, available_at: {{Mass: after_label}}}}\nmodels: [zero_rule]\n"));

        Assert.Contains("data.available_at.Mass", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_TimeColumnWithRandomSplit_TimeOrderFinding()
    {
        var run = Prepare($"data: {{path: {Sample("seattle-weather.csv")}, label: weather, time_column: date}}\nsplit: {{strategy: random}}\nmodels: [zero_rule]\n");

        Assert.Contains(run.Checks.Leakage, f => f.Check == "time_order" && f.Columns.SequenceEqual(["date"]) && f.RowCount > 0);
    }

    [Fact]
    public void Prepare_GroupOnBothSidesOfAPredefinedSplit_GroupOverlapFinding()
    {
        File.WriteAllLines(Path.Combine(_dir, "g.csv"), ["g,x,y,part", .. Enumerable.Range(0, 200).Select(i => $"c{i % 40},{i % 7},{(i % 2 == 0 ? "a" : "b")},{(i % 3 == 0 ? "test" : "train")}")]);

        var run = Prepare("data: {path: g.csv, label: y, group_column: g}\nsplit: {strategy: predefined, predefined: {column: part}, validation_fraction: 0}\nmodels: [zero_rule]\n");

        var finding = Assert.Single(run.Checks.Leakage, f => f.Check == "group_overlap");
        Assert.Equal(["g"], finding.Columns);
        Assert.Equal(67, finding.RowCount); // every test row: each group has rows on both sides
    }

    [Fact]
    public void FittedOnTrainOnly_ModelFittedOnTrain_NoFinding_ButAgainstOtherRows_Finding()
    {
        var run = Prepare($"data: {{path: {Sample("credit_data.csv")}, label: Status}}\nmodels: [linear]\n");
        var trained = new CandidateTrainer(run, TimeProvider.System).Train(run.Candidates[0]);

        Assert.Empty(DataCheckStep.FittedOnTrainOnly("linear", trained.Model, run.Features.Take(run.Split.Train)));
        var all = run.Features.Take([.. run.Split.Train, .. run.Split.Test]);
        var finding = Assert.Single(DataCheckStep.FittedOnTrainOnly("linear", trained.Model, all).Take(1));
        Assert.Equal("fit_outside_train", finding.Check);
    }

    [Theory]
    [InlineData("Income: {impute: mean}", "training mean")]
    [InlineData("Income: {scale: robust, missing_indicator: false}", "robust scaling")]
    [InlineData("Job: {encode: target}", "target encoding has values never seen in training")]
    public void FittedOnTrainOnly_EngineeredFeatures_NoFindingOnTrain_FindingOnOtherRows(string column, string expected)
    {
        var run = Prepare($"data: {{path: {Sample("credit_data.csv")}, label: Status}}\nmodels: [linear]\nfeatures:\n  columns: {{{column}}}\n");
        var trained = new CandidateTrainer(run, TimeProvider.System).Train(run.Candidates[0]);

        Assert.Empty(DataCheckStep.FittedOnTrainOnly("linear", trained.Model, run.Features.Take(run.Split.Train), run.Spec.Features));
        // Rows the model never saw: a quarter of the training rows, where the statistics differ.
        var other = run.Features.Take(run.Split.Train.Where(r => r % 4 == 0).ToArray());
        var findings = DataCheckStep.FittedOnTrainOnly("linear", trained.Model, other, run.Spec.Features);
        Assert.Contains(findings, f => f.Check == "fit_outside_train" && f.Message.Contains(expected, StringComparison.Ordinal));
    }
}
