using Keel.Core;
using Keel.Core.Data;
using Keel.Pipeline.Spec;

namespace Keel.Pipeline.Tests;

public sealed class FeaturesSpecTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-features-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Credit()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test folder."), "samples", "credit_data.csv");
    }

    private PreparedRun Prepare(string features)
    {
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {Credit()}, label: Status}}\nmodels: [linear]\nfeatures:\n{features}");
        return RunPreparation.Prepare(spec, null);
    }

    [Fact]
    public void Parse_FeaturesSection_ReadsTypesColumnsAndCrosses()
    {
        var spec = SpecReader.Parse("""
            data: {path: d.csv, label: y}
            features:
              by_type:
                numeric: {impute: mean, missing_indicator: false, scale: standard}
                categorical: {encode: onehot, min_frequency: 5, max_categories: 20}
                datetime: {parts: [year, weekend]}
              columns:
                Income: {impute: constant, fill_value: 0, bins: quantile, n_bins: 4, scale: none}
                Debt: {edges: [0, 100]}
                Job: {encode: target, folds: 3, smoothing: 2.5}
                Zip: {encode: hash, buckets: 16}
              crosses:
                - [Home, Job]
                - {columns: [Home, Marital], encode: hash, buckets: 32}
            """, "keel.yaml");

        var f = spec.Features!;
        Assert.Equal("mean", f.ByType["numeric"].Impute);
        Assert.False(f.ByType["numeric"].MissingIndicator);
        Assert.Equal(5, f.ByType["categorical"].MinFrequency);
        Assert.Equal(["year", "weekend"], f.ByType["datetime"].Parts!);
        Assert.Equal((0d, "quantile", 4), (f.Columns["Income"].FillValue!.Value, f.Columns["Income"].Bins!, f.Columns["Income"].BinCount!.Value));
        Assert.Equal("fixed", f.Columns["Debt"].Bins);
        Assert.Equal([0d, 100], f.Columns["Debt"].BinEdges!);
        Assert.Equal(("target", 3, 2.5), (f.Columns["Job"].Encode!, f.Columns["Job"].Folds!.Value, f.Columns["Job"].Smoothing!.Value));
        Assert.Equal(16, f.Columns["Zip"].Buckets);
        Assert.Equal(["Home*Job", "Home*Marital"], f.Crosses.Select(c => c.Name));
        Assert.Equal(32, f.Crosses[1].Options.Buckets);
        Assert.Equal("standard", f.For("Age", ColumnType.Numeric).Scale);
        Assert.Equal("none", f.For("Income", ColumnType.Numeric).Scale);
    }

    [Theory]
    [InlineData("  by_type: {numeric: {encode: onehot}}", "line 5, field 'features.by_type.numeric.encode': unknown field")]
    [InlineData("  by_type: {text: {}}", "field 'features.by_type.text': unknown field")]
    [InlineData("  columns: {Income: {scale: zscore}}", "field 'features.columns.Income.scale': expected one of none, standard, minmax, robust, got 'zscore'")]
    [InlineData("  columns: {Income: {bins: fixed}}", "field 'features.columns.Income.edges': bins: fixed needs its cut points")]
    [InlineData("  columns: {Income: {edges: [5, 1]}}", "field 'features.columns.Income.edges': expected ascending cut points, but 1 follows 5")]
    [InlineData("  columns: {Income: {bins: quantile, scale: robust}}", "field 'features.columns.Income': expected either bins or scale")]
    [InlineData("  columns: {Income: {impute: mean, fill_value: 3}}", "fill_value goes with impute: constant")]
    [InlineData("  columns: {Job: {encode: target, folds: 1}}", "field 'features.columns.Job.folds': expected an integer from 2 to 100, got 1")]
    [InlineData("  crosses: [[Home]]", "field 'features.crosses[0].columns': expected two different columns")]
    [InlineData("  crosses: [{columns: [Home, Job], encode: target}]", "field 'features.crosses[0].encode': expected onehot or hash")]
    public void Parse_BadFeatures_ErrorNamesLineAndField(string features, string expected)
    {
        var e = Assert.Throws<KeelInputException>(() => SpecReader.Parse($"data: {{path: d.csv, label: y}}\nseed: 1\nmodels: [linear]\nfeatures:\n{features}\n", "keel.yaml"));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  columns: {Salary: {scale: robust}}", "field 'features.columns.Salary': 'Salary' is not a feature column; feature columns are: Seniority, Home,")]
    [InlineData("  columns: {Status: {scale: robust}}", "'Status' is not a feature column")]
    [InlineData("  columns: {Home: {scale: robust}}", "field 'features.columns.Home.scale': 'Home' is a categorical column, which takes only encode, min_frequency")]
    [InlineData("  columns: {Income: {encode: target}}", "field 'features.columns.Income.encode': 'Income' is a numeric column, which takes only impute,")]
    [InlineData("  by_type: {numeric: {scale: robust}}\n  columns: {Income: {bins: uniform}}", "field 'features.columns.Income': 'Income' gets both bins (uniform) and scale (robust)")]
    [InlineData("  crosses: [[Home, Nowhere]]", "field 'features.crosses[0]': 'Nowhere' is not a feature column")]
    public void Prepare_FeaturesNotFittingTheData_ErrorNamesFieldAndColumn(string features, string expected)
    {
        var e = Assert.Throws<KeelInputException>(() => Prepare(features));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("keel.yaml field ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_MoreTargetFoldsThanTrainRows_ErrorNamesFoldsField()
    {
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {Credit()}, label: Status, sample: {{strategy: random, n: 60}}}}\nmodels: [linear]\nfeatures:\n  columns: {{Job: {{encode: target, folds: 50}}}}\n");

        var e = Assert.Throws<KeelInputException>(() => RunPreparation.Prepare(spec, null));

        Assert.Contains("field 'features.columns.Job.folds': target encoding of 'Job' needs at least 50 training rows for its folds, but the split has", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_GoodFeatures_ContextCarriesThem()
    {
        var run = Prepare("  by_type: {numeric: {scale: robust}}\n  columns: {Job: {encode: target}}\n  crosses: [[Home, Job]]");

        var context = run.Context();
        Assert.Same(run.Spec.Features, context.Engineering);
        Assert.Equal("robust", context.Engineering!.For("Income", ColumnType.Numeric).Scale);
    }
}
