using Keel.Core;
using Keel.Data.Sampling;

namespace Keel.Data.Tests;

public sealed class SamplerTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Rows(int n, Func<int, string> row, string header = "id,cls,w") =>
        _dir.Write("in.csv", header + "\n" + string.Concat(Enumerable.Range(0, n).Select(i => row(i) + "\n")));

    private SampleOutcome Sample(string input, SampleStrategy strategy, long? n, int seed, string? by = null, string? weights = null) =>
        Sampler.Run(new SampleRequest
        {
            Input = input,
            Output = System.IO.Path.Combine(_dir.Path, "out.csv"),
            Strategy = strategy,
            N = n,
            By = by,
            WeightColumn = weights is not null && Sampler.ParseClassRates(weights) is null ? weights : null,
            ClassRates = weights is null ? null : Sampler.ParseClassRates(weights),
            Seed = seed,
        });

    private string[] Output() => File.ReadAllLines(System.IO.Path.Combine(_dir.Path, "out.csv"));

    [Fact]
    public void Reservoir_ManySeeds_EveryRowsInclusionFrequencyIsUniform()
    {
        const int rows = 20, n = 5, seeds = 4000;
        var input = Rows(rows, i => $"{i},a,1");
        var counts = new int[rows];
        for (var seed = 0; seed < seeds; seed++)
        {
            var outcome = Sample(input, SampleStrategy.Reservoir, n, seed);
            Assert.Equal((rows, n), (outcome.InputRows, outcome.SampledRows));
            foreach (var line in Output().Skip(1)) counts[int.Parse(line.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)]++;
        }

        // Each row is expected seeds × n / rows = 1000 times; chi-square with 19 degrees of freedom stays below 43.82 (p = 0.001).
        var expected = (double)seeds * n / rows;
        var chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.InRange(chi2, 0, 43.82);
    }

    [Fact]
    public void Reservoir_QuotedMultilineRecords_CopiedUnchangedInFileOrder()
    {
        var input = _dir.Write("q.csv", "a,b\n1,\"x,\ny\"\n2,plain\n3,\"say \"\"hi\"\"\"\n");

        Sample(input, SampleStrategy.Reservoir, 10, 1);

        Assert.Equal("a,b\n1,\"x,\ny\"\n2,plain\n3,\"say \"\"hi\"\"\"\n", File.ReadAllText(System.IO.Path.Combine(_dir.Path, "out.csv")));
    }

    [Fact]
    public void Stratified_ClassShares_KeptByLargestRemainders()
    {
        var input = Rows(100, i => $"{i},{(i < 70 ? "a" : i < 95 ? "b" : "c")},1");

        var outcome = Sample(input, SampleStrategy.Stratified, 20, 7, by: "cls");

        Assert.Equal(new Dictionary<string, long> { ["a"] = 14, ["b"] = 5, ["c"] = 1 }, outcome.PerClass);
        Assert.Equal(21, Output().Length);
    }

    [Fact]
    public void Weighted_ClassRates_KeepsEachClassAtItsRate()
    {
        var input = Rows(10_000, i => $"{i},{(i % 10 == 0 ? "rare" : "common")},1");

        var outcome = Sample(input, SampleStrategy.Weighted, null, 3, by: "cls", weights: "common=0.1");

        Assert.Equal(1000, outcome.PerClass["rare"]);
        Assert.InRange(outcome.PerClass["common"], 810, 990); // 900 expected, sd 28
    }

    [Fact]
    public void Importance_WeightColumn_ZeroWeightNeverDrawnAndSampleWeightsAdded()
    {
        var input = Rows(100, i => $"{i},a,{(i < 50 ? 0 : i)}");

        Sample(input, SampleStrategy.Importance, 10, 5, weights: "w");

        var lines = Output();
        Assert.Equal("id,cls,w,sample_weight", lines[0]);
        Assert.All(lines.Skip(1), l => Assert.True(int.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture) >= 50));
        // sample_weight = total weight / (n × weight): 3725 / (10 × w).
        Assert.All(lines.Skip(1), l => Assert.Equal(3725.0 / (10 * double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)),
            double.Parse(l.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture), 9));
    }

    [Fact]
    public void Run_UnknownByColumn_ErrorNamesFileAndColumn()
    {
        var e = Assert.Throws<KeelInputException>(() => Sample(Rows(5, i => $"{i},a,1"), SampleStrategy.Stratified, 2, 1, by: "klass"));

        Assert.Equal("--by: in.csv has no column 'klass'; columns are: id, cls, w.", e.Message);
    }

    [Fact]
    public void Run_BadClassRate_ErrorNamesThePair()
    {
        var e = Assert.Throws<KeelInputException>(() => Sampler.ParseClassRates("a=0.5,b=2"));

        Assert.Contains("'b=2'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnreadableParquetInput_ErrorNamesTheFile()
    {
        var e = Assert.Throws<KeelInputException>(() => Sampler.Run(new SampleRequest
        {
            Input = _dir.Write("x.parquet", "not parquet"), Output = System.IO.Path.Combine(_dir.Path, "out.parquet"),
            Strategy = SampleStrategy.Reservoir, N = 2, Seed = 1,
        }));

        Assert.StartsWith("x.parquet: not a readable Parquet file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Importance_InputHasASampleWeightColumn_ErrorAndNothingWritten()
    {
        var input = Rows(10, i => $"{i},a,{i + 1},1", header: "id,cls,w,sample_weight");

        var e = Assert.Throws<KeelInputException>(() => Sample(input, SampleStrategy.Importance, 3, 1, weights: "w"));

        Assert.Equal("in.csv already has a column 'sample_weight', which importance sampling adds (the inverse inclusion probability); rename or drop it first.", e.Message);
        Assert.False(File.Exists(System.IO.Path.Combine(_dir.Path, "out.csv")));
    }

    [Theory]
    [InlineData(SampleStrategy.Reservoir)]
    [InlineData(SampleStrategy.Random)]
    public void Run_TsvOutputOfCommaFile_TabSeparatedAndFieldsQuotedWhereNeeded(SampleStrategy strategy)
    {
        var input = _dir.Write("in.csv", "id,name\n1,\"a\tb\"\n2,\"x, y\"\n");
        var output = System.IO.Path.Combine(_dir.Path, "out.tsv");

        Sampler.Run(new SampleRequest { Input = input, Output = output, Strategy = strategy, N = 5, Seed = 1 });

        Assert.Equal(["id\tname", "1\t\"a\tb\"", "2\tx, y"], File.ReadAllLines(output));
        Assert.Equal(["1", "2"], TableReader.Read(output, new ReadOptions { AsText = true }).Table["id"] is var c ? [c.Format(0), c.Format(1)] : null);
    }

    [Fact]
    public void Run_ParquetOutput_ErrorNamesTheOptionAndNothingWritten()
    {
        var output = System.IO.Path.Combine(_dir.Path, "out.parquet");

        var e = Assert.Throws<KeelInputException>(() => Sampler.Run(new SampleRequest
        {
            Input = Rows(3, i => $"{i},a,1"), Output = output, Strategy = SampleStrategy.Random, N = 2, Seed = 1,
        }));

        Assert.Contains("expected a .csv or .tsv path, got 'out.parquet'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Run_OutputIsTheInput_ErrorAndDataKept()
    {
        var input = Rows(5, i => $"{i},a,1");
        var before = File.ReadAllText(input);

        var e = Assert.Throws<KeelInputException>(() => Sampler.Run(new SampleRequest { Input = input, Output = input, Strategy = SampleStrategy.Reservoir, N = 2, Seed = 1 }));

        Assert.Contains("--output in.csv: the input file itself; the sample would replace the data", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(input));
    }
}
