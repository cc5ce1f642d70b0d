using Keel.Core;
using Keel.Data;
using Keel.Data.Sampling;

namespace Keel.Pipeline.Tests;

public sealed class DataSampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Penguins()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "samples", "penguins.csv");
    }

    private PreparedRun Prepare(string sample)
    {
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {Penguins()}, label: Species, sample: {sample}}}\nmodels: [zero_rule]\nseed: 5\n");
        return RunPreparation.Prepare(spec, null);
    }

    [Fact]
    public void Prepare_StratifiedSample_RunSeesTheRowsKeelSampleWrites()
    {
        var run = Prepare("{strategy: stratified, n: 100, by: Species}");

        Assert.Equal(100, run.Table.RowCount);
        Assert.Equal(("stratified", 344L, 100L, 5), (run.Sample!.Strategy, run.Sample.InputRows, run.Sample.SampledRows, run.Sample.Seed));
        Assert.Equal(new Dictionary<string, long> { ["Adelie"] = 44, ["Chinstrap"] = 20, ["Gentoo"] = 36 }, run.Sample.PerClass);
        var output = Path.Combine(_dir, "s.csv");
        Sampler.Run(new SampleRequest { Input = Penguins(), Output = output, Strategy = SampleStrategy.Stratified, N = 100, By = "Species", Seed = 5 });
        var expected = TableReader.Read(output, new ReadOptions()).Table;
        Assert.Equal(Enumerable.Range(0, 100).Select(expected["Body Mass (g)"].Format), Enumerable.Range(0, 100).Select(run.Table["Body Mass (g)"].Format));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Penguins()))), run.Data.Sha256);
    }

    [Fact]
    public async Task Prepare_SampleOfAParquetFile_RunSeesTheRowsKeelSampleWrites()
    {
        var data = Path.Combine(_dir, "d.parquet");
        var x = new Parquet.Schema.DataField<double>("x");
        var y = new Parquet.Schema.DataField<string>("y");
        await using (var file = File.Create(data))
        await using (var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(x, y), file))
        {
            using var g = writer.CreateRowGroup();
            await g.WriteAsync<double>(x, Enumerable.Range(0, 500).Select(i => i * 0.25).ToArray());
            await g.WriteAsync(y, Enumerable.Range(0, 500).Select(i => i % 5 == 0 ? "rare" : "common").ToArray());
        }
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, "data: {path: d.parquet, label: y, sample: {strategy: stratified, n: 100, by: y}}\nmodels: [zero_rule]\nseed: 5\n");

        var run = RunPreparation.Prepare(spec, null);

        Assert.Equal(100, run.Table.RowCount);
        Assert.Equal(new Dictionary<string, long> { ["common"] = 80, ["rare"] = 20 }, run.Sample!.PerClass);
        var output = Path.Combine(_dir, "s.parquet");
        Sampler.Run(new SampleRequest { Input = data, Output = output, Strategy = SampleStrategy.Stratified, N = 100, By = "y", Seed = 5 });
        var expected = TableReader.Read(output, new ReadOptions()).Table;
        Assert.Equal(Enumerable.Range(0, 100).Select(expected["x"].Format), Enumerable.Range(0, 100).Select(run.Table["x"].Format));
        Assert.Equal(("parquet", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(data)))), (run.Data.Format, run.Data.Sha256));
    }

    [Fact]
    public void Prepare_SampleByUnknownColumn_ErrorNamesSpecFieldAndColumn()
    {
        var e = Assert.Throws<KeelInputException>(() => Prepare("{strategy: stratified, n: 10, by: Specie}"));

        Assert.StartsWith("keel.yaml field 'data.sample': data.sample.by: penguins.csv has no column 'Specie'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_SampleWithoutN_ErrorNamesField()
    {
        var e = Assert.Throws<KeelInputException>(() => Prepare("{strategy: random}"));

        Assert.Contains("data.sample.n", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", e.Message, StringComparison.Ordinal);
    }
}

public sealed class ImbalanceRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-imbalance-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Credit()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "samples", "credit_data.csv");
    }

    private PreparedRun Prepare(string imbalance)
    {
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {Credit()}, label: Status}}\nmodels: [linear]\nimbalance: {imbalance}\n");
        return RunPreparation.Prepare(spec, null);
    }

    [Fact]
    public void Train_SmoteNc_OnlyTrainRowsRebalancedValidationAndTestUntouched()
    {
        var run = Prepare("{method: smote_nc, k: 5}");
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        var outcome = trainer.Train(run.Candidates[0]);

        var s = trainer.Resampled!;
        var trainBad = run.Split.Train.Count(r => run.Label.Labels.Classes[run.Label.Labels.ClassIndices![r]] == "bad");
        Assert.Equal(trainBad, s.Before["bad"]);
        Assert.Equal(s.Before["good"], s.After["bad"]);
        Assert.Equal(s.After["good"] * 2, trainer.LastTrainFeatures.RowCount);
        // Test metrics are computed on the untouched test rows: the evaluation's row count is the test split's.
        Assert.Equal(run.Split.Test.Length, outcome.TestPredictions.Count);
        Assert.Empty(DataCheckStep.FittedOnTrainOnly("linear", outcome.Model, trainer.LastTrainFeatures));
    }

    [Fact]
    public void Prepare_SmoteWithCategoricalFeatures_ErrorSaysSmoteNc()
    {
        var e = Assert.Throws<Keel.Core.KeelInputException>(() => Prepare("{method: smote}"));

        Assert.Contains("field 'imbalance.method': smote interpolates numbers, but 'Home'", e.Message, StringComparison.Ordinal);
    }
}

public sealed class AugmentRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-augment-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private PreparedRun Prepare(string augment)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) dir = dir.Parent;
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {Path.Combine(dir!.FullName, "samples", "credit_data.csv")}, label: Status}}\nmodels: [linear]\naugment: {augment}\n");
        return RunPreparation.Prepare(spec, null);
    }

    [Fact]
    public void Train_TwoCopies_TrainRowsTripledValidationAndTestUntouched()
    {
        var run = Prepare("{copies: 2, noise: 0.05, swaps: {Home: {rent: other}}}");
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        var outcome = trainer.Train(run.Candidates[0]);

        Assert.Equal(run.Split.Train.Length * 3, trainer.LastTrainFeatures.RowCount);
        Assert.Equal(run.Split.Test.Length, outcome.TestPredictions.Count);
        var home = (Keel.Core.Data.StringColumn)trainer.LastTrainFeatures["Home"];
        Assert.DoesNotContain("rent", home.Values[run.Split.Train.Length..].ToArray());
    }

    [Fact]
    public void Prepare_SwapOnNumericColumn_ErrorNamesField()
    {
        var e = Assert.Throws<Keel.Core.KeelInputException>(() => Prepare("{swaps: {Income: {'1': '2'}}}"));

        Assert.Contains("field 'augment.swaps.Income': expected a categorical feature column", e.Message, StringComparison.Ordinal);
    }
}
