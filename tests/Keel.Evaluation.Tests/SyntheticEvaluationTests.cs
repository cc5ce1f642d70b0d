using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Significance;
using Keel.Evaluation.Slices;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Tests;

/// <summary>Seeded synthetic data where the answer is known: a noise-only difference, a broken slice, Simpson's paradox.</summary>
public sealed class SyntheticEvaluationTests
{
    private static readonly string[] Classes = ["neg", "pos"];

    private static Predictions Binary(double[] p1) =>
        new() { Task = TaskKind.Binary, Classes = Classes, Probabilities = p1.Select(p => new[] { 1 - p, p }).ToArray() };

    [Theory]
    [InlineData("auc")]
    [InlineData("accuracy")]
    [InlineData("f1")]
    public void Compare_ModelsDifferingOnlyByNoise_Tied(string metric)
    {
        var rng = new Random(5);
        const int n = 600;
        var y = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.4 ? 1 : 0).ToArray();
        var signal = y.Select(t => 0.3 + 0.3 * t + 0.2 * (rng.NextDouble() - 0.5)).ToArray();
        double Noise() => 0.02 * (rng.NextDouble() - 0.5);
        var a = signal.Select(s => Math.Clamp(s + Noise(), 0, 1)).ToArray();
        var b = signal.Select(s => Math.Clamp(s + Noise(), 0, 1)).ToArray();
        var truth = new EncodedLabels { Task = TaskKind.Binary, Classes = Classes, ClassIndices = y };

        var c = Significance.Significance.Compare("a", "b", truth, Binary(a), Binary(b), metric, new BootstrapOptions { Resamples = 300 });

        Assert.Equal("tied", c.Verdict);
        Assert.True(c.PValue >= Significance.Significance.Alpha, $"p = {c.PValue}");
    }

    [Fact]
    public void Compare_ClearlyBetterModel_Better()
    {
        var rng = new Random(6);
        var y = Enumerable.Range(0, 600).Select(_ => rng.Next(2)).ToArray();
        var good = y.Select(t => Math.Clamp(0.3 + 0.4 * t + 0.3 * (rng.NextDouble() - 0.5), 0, 1)).ToArray();
        var weak = y.Select(t => Math.Clamp(0.45 + 0.1 * t + 0.3 * (rng.NextDouble() - 0.5), 0, 1)).ToArray();
        var truth = new EncodedLabels { Task = TaskKind.Binary, Classes = Classes, ClassIndices = y };

        var c = Significance.Significance.Compare("good", "weak", truth, Binary(good), Binary(weak), "auc", new BootstrapOptions());

        Assert.Equal("better", c.Verdict);
        Assert.Equal("delong", c.Test);
    }

    [Fact]
    public void WeakSegmentSearch_OneDeliberatelyBrokenSlice_FoundFirst()
    {
        var rng = new Random(11);
        const int n = 3000;
        var region = Enumerable.Range(0, n).Select(_ => new[] { "north", "south", "east", "west" }[rng.Next(4)]).ToArray();
        var age = Enumerable.Range(0, n).Select(_ => 20 + 50 * rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, n).Select(_ => rng.Next(2)).ToArray();
        // Right 92 % of the time, except for the young in the east: a coin toss there.
        var p1 = y.Select((t, i) =>
        {
            var wrong = region[i] == "east" && age[i] < 32 ? rng.NextDouble() < 0.5 : rng.NextDouble() < 0.08;
            return (t == 1) != wrong ? 0.8 : 0.2;
        }).ToArray();
        var table = new Table([new StringColumn("region", region), new NumericColumn("age", age)]);
        var truth = new EncodedLabels { Task = TaskKind.Binary, Classes = Classes, ClassIndices = y };

        var weak = WeakSegments.Search(table, truth, Binary(p1), new WeakSegmentOptions());

        Assert.NotEmpty(weak);
        Assert.Contains("region = east", weak[0].Conditions);
        Assert.Contains(weak[0].Conditions, c => c.StartsWith("age = [", StringComparison.Ordinal));
        Assert.True(weak[0].Loss > 0.3, $"loss {weak[0].Loss}");
    }

    [Fact]
    public void WeakSegmentSearch_UniformErrors_FindsNothing()
    {
        var rng = new Random(12);
        const int n = 2000;
        var region = Enumerable.Range(0, n).Select(_ => new[] { "north", "south", "east" }[rng.Next(3)]).ToArray();
        var y = Enumerable.Range(0, n).Select(_ => rng.Next(2)).ToArray();
        var p1 = y.Select(t => (t == 1) != (rng.NextDouble() < 0.1) ? 0.8 : 0.2).ToArray();
        var truth = new EncodedLabels { Task = TaskKind.Binary, Classes = Classes, ClassIndices = y };

        var weak = WeakSegments.Search(new Table([new StringColumn("region", region)]), truth, Binary(p1), new WeakSegmentOptions());

        Assert.Empty(weak);
    }

    [Fact]
    public void SimpsonCheck_OrderReversedInEverySlice_Flagged()
    {
        var rng = new Random(21);
        const int n = 2000;
        var site = Enumerable.Range(0, n).Select(_ => rng.Next(2) == 0 ? "high" : "low").ToArray();
        var y = site.Select(s => rng.NextDouble() < (s == "high" ? 0.8 : 0.2) ? 1 : 0).ToArray();
        // A knows only the site (ranks well overall, at chance within a site); B ranks well within a site but shifts the sites the wrong way.
        var a = site.Select(s => (s == "high" ? 0.7 : 0.3) + 0.01 * rng.NextDouble()).ToArray();
        var b = y.Select((t, i) => Math.Clamp((site[i] == "high" ? 0.2 : 0.6) + 0.25 * t + 0.3 * rng.NextDouble(), 0, 1)).ToArray();
        var truth = new EncodedLabels { Task = TaskKind.Binary, Classes = Classes, ClassIndices = y };

        var result = SimpsonCheck.Check(new StringColumn("site", site), truth, "a", Binary(a), "b", Binary(b), "auc");

        Assert.True(result.OverallA > result.OverallB, $"overall {result.OverallA} vs {result.OverallB}");
        Assert.All(result.Slices, s => Assert.True(s.B > s.A));
        Assert.True(result.Flagged);
    }

    [Fact]
    public void SimpsonCheck_SameOrderInSlices_NotFlagged()
    {
        var rng = new Random(22);
        var site = Enumerable.Range(0, 1000).Select(_ => rng.Next(2) == 0 ? "x" : "y").ToArray();
        var y = site.Select(_ => rng.Next(2)).ToArray();
        var good = y.Select(t => 0.3 + 0.4 * t + 0.3 * rng.NextDouble()).ToArray();
        var weak = y.Select(t => 0.3 + 0.1 * t + 0.3 * rng.NextDouble()).ToArray();
        var truth = new EncodedLabels { Task = TaskKind.Binary, Classes = Classes, ClassIndices = y };

        Assert.False(SimpsonCheck.Check(new StringColumn("site", site), truth, "good", Binary(good), "weak", Binary(weak), "auc").Flagged);
    }
}
