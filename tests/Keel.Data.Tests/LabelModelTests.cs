using System.Text.Json;
using Keel.Data.Labels;

namespace Keel.Data.Tests;

/// <summary>The label model against a Dawid–Skene EM written out in numpy (Fixtures/labels_fixture.py writes labels.json),
/// and on seeded votes with correlated, unequally accurate functions.</summary>
public sealed class LabelModelTests
{
    internal static JsonElement Fixture(string name) => JsonDocument.Parse(File.ReadAllText(
        Path.Combine(Samples.Folder, "..", "tests", "Keel.Data.Tests", "Fixtures", "labels.json"))).RootElement.GetProperty(name);

    [Fact]
    public void Fit_ReferenceDawidSkeneFixture_SamePosteriorAndPrior()
    {
        var f = Fixture("dawid_skene");
        var votes = f.GetProperty("votes").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        var result = LabelModel.Fit(votes, f.GetProperty("classes").GetInt32(), new LabelModelOptions { DetectDependencies = false });

        Assert.Equal(f.GetProperty("iterations").GetInt32(), result.Iterations);
        var prior = f.GetProperty("prior").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (var c = 0; c < prior.Length; c++) Assert.Equal(prior[c], result.ClassPrior[c], 9);
        var posterior = f.GetProperty("posterior").EnumerateArray().ToArray();
        for (var i = 0; i < posterior.Length; i++)
        {
            var row = posterior[i].EnumerateArray().Select(v => v.GetDouble()).ToArray();
            for (var c = 0; c < row.Length; c++) Assert.Equal(row[c], result.Probabilities[i][c], 9);
        }
    }

    [Fact]
    public void Fit_IndependentFunctionsOfKnownAccuracy_RecoversAccuracies()
    {
        var (votes, _) = Synthetic.Votes(seed: 3, rows: 20_000, independent: [0.9, 0.8, 0.7, 0.65], correlated: []);
        var result = LabelModel.Fit(votes, 2, new LabelModelOptions());

        Assert.All(result.Accuracies.Zip([0.9, 0.8, 0.7, 0.65]), x => Assert.Equal(x.Second, x.First, 0.02));
        Assert.All(result.Groups, g => Assert.Single(g));
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(4, 300)]
    public void Fit_CorrelatedUnequalFunctions_BeatsMajorityVote(int copies, int goldRows)
    {
        var (votes, truth) = Synthetic.Votes(seed: 11, rows: 5_000, independent: [0.85, 0.8, 0.75], correlated: Enumerable.Repeat(0.62, copies).ToArray());
        // A clique of correlated functions larger than the independent part needs gold rows to be told apart (DependencyFinder).
        var gold = truth.Select((y, i) => i < goldRows ? y : -1).ToArray();

        var model = LabelModel.Fit(votes, 2, new LabelModelOptions { Gold = goldRows > 0 ? gold : null });
        var predicted = model.Probabilities.Select((p, i) => votes.All(v => v[i] < 0) ? -1 : p[1] > p[0] ? 1 : 0).ToArray();
        var modelAccuracy = LabelingAnalysis.Accuracy(predicted, truth).Accuracy!.Value;
        var voteAccuracy = LabelingAnalysis.Accuracy(LabelModel.MajorityVote(votes, 2), truth).Accuracy!.Value;

        Assert.True(modelAccuracy > voteAccuracy + 0.05, $"label model {modelAccuracy:F3}, majority vote {voteAccuracy:F3} groups {string.Join(";", model.Groups.Select(g => string.Join(",", g)))}");
        Assert.Contains(model.Groups, g => g.Length > 1 && g.All(j => j >= 3));
    }

    [Fact]
    public void Find_CopiedFunctions_FlaggedAndIndependentOnesNot()
    {
        var (votes, _) = Synthetic.Votes(seed: 5, rows: 5_000, independent: [0.85, 0.8, 0.75], correlated: [0.62, 0.62, 0.62]);

        var pairs = DependencyFinder.Find(votes, 2, new LabelModelOptions().DependencyThreshold);

        // Both copies of function 3 are found; the two copies depend on each other only through it, and that may fall below.
        Assert.Contains((3, 4), pairs.Select(p => (p.A, p.B)));
        Assert.Contains((3, 5), pairs.Select(p => (p.A, p.B)));
        Assert.All(pairs, p => Assert.True(p.A >= 3 && p.B >= 3, $"independent function in {p}"));
    }

    [Fact]
    public void MajorityVote_TieAndAbstain_TieGoesToTheMoreVotedClassAndAllAbstainIsMinusOne()
    {
        int[][] votes = [[0, 1, -1, 1], [1, 1, -1, -1]];

        Assert.Equal([1, 1, -1, 1], LabelModel.MajorityVote(votes, 2));
    }

    [Fact]
    public void Analyse_HandCountedVotes_CoverageOverlapConflictAccuracy()
    {
        int[][] votes = [[0, 1, -1, 1], [0, 0, -1, -1], [-1, -1, 1, -1]];
        int[] gold = [0, 0, -1, 1];

        var stats = LabelingAnalysis.Analyse(votes, gold);

        Assert.Equal(new FunctionStats(0.75, 0.5, 0.25, 3, 2 / 3.0), stats[0]);
        Assert.Equal(new FunctionStats(0.5, 0.5, 0.25, 2, 1.0), stats[1]);
        Assert.Equal(new FunctionStats(0.25, 0, 0, 0, null), stats[2]);
    }
}

/// <summary>Seeded labelling-function votes for a binary task with a known truth.</summary>
internal static class Synthetic
{
    /// <summary>Independent functions vote on 60 % of rows; the correlated ones vote on 90 % and copy the first of them 85 % of the time.</summary>
    public static (int[][] Votes, int[] Truth) Votes(int seed, int rows, double[] independent, double[] correlated)
    {
        var random = new Random(seed);
        var truth = Enumerable.Range(0, rows).Select(_ => random.NextDouble() < 0.4 ? 1 : 0).ToArray();
        int Vote(int i, double accuracy) => random.NextDouble() < accuracy ? truth[i] : 1 - truth[i];
        var votes = new List<int[]>();
        foreach (var a in independent) votes.Add(truth.Select((_, i) => random.NextDouble() < 0.6 ? Vote(i, a) : -1).ToArray());
        for (var j = 0; j < correlated.Length; j++)
        {
            var source = j == 0 ? null : votes[independent.Length];
            votes.Add(truth.Select((_, i) => source is not null && source[i] >= 0 && random.NextDouble() < 0.85 ? source[i]
                : random.NextDouble() < 0.9 ? Vote(i, correlated[j]) : -1).ToArray());
        }
        return ([.. votes], truth);
    }
}
