using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.PredictionLog;
using Keel.Evaluation.Uncertainty;
using Keel.Monitoring.Performance;
using Keel.Tracking.PredictionLog;

namespace Keel.Monitoring.Tests.Performance;

public sealed class PerformanceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A calibrated binary set: a score drawn per row, the label drawn as Bernoulli(score), so P(y = 1 | p) = p exactly.</summary>
    private static (double[] P, int[] Y) Calibrated(int n, int seed, double labelShift = 0)
    {
        var rng = new Random(seed);
        var p = new double[n];
        var y = new int[n];
        for (var i = 0; i < n; i++)
        {
            // A mixture of two Beta-like bumps: a useful model (AUC near 0.8).
            var u = rng.NextDouble();
            p[i] = rng.NextDouble() < 0.3 ? 0.5 + 0.5 * Math.Sqrt(u) : 0.5 * (1 - Math.Sqrt(u));
            var q = Math.Clamp(p[i] + labelShift * (0.5 - p[i]) * 2, 0, 1);
            y[i] = rng.NextDouble() < q ? 1 : 0;
        }
        return (p, y);
    }

    private static LabelledPredictions Labelled(double[] p, int[] y) => new(
        new EncodedLabels { Task = TaskKind.Binary, Classes = ["no", "yes"], ClassIndices = y },
        new Predictions { Task = TaskKind.Binary, Classes = ["no", "yes"], Probabilities = p.Select(v => new[] { 1 - v, v }).ToArray() },
        p.Select(_ => T0).ToArray(), 0);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Estimated_CalibratedSyntheticSet_WithinRealisedInterval(int seed)
    {
        var (p, y) = Calibrated(4000, seed);
        var rows = Labelled(p, y);
        var estimated = PerformanceCalculator.Estimated(rows.Predictions);
        var options = new BootstrapOptions { Resamples = 500, Seed = (ulong)seed };
        foreach (var metric in new[] { "auc", "accuracy" })
        {
            var realised = PerformanceCalculator.Realised(rows, metric, options, null).Value;
            var estimate = estimated["estimated_" + metric];
            Assert.InRange(estimate, realised.Low, realised.High);
        }
    }

    [Fact]
    public void EstimatedAuc_AllProbabilitiesEqual_IsOneHalf() => Assert.Equal(0.5, Cbpe.EstimatedAuc([0.3, 0.3, 0.3, 0.3]), 12);

    [Fact]
    public void Realised_LabelsNoLongerFollowScores_ConceptDriftFlagged()
    {
        var (p, y) = Calibrated(3000, 7);
        var options = new BootstrapOptions { Resamples = 300 };
        var reference = PerformanceCalculator.Realised(Labelled(p, y), "auc", options, null).Value;
        var (p2, y2) = Calibrated(3000, 8, labelShift: 0.6); // the relation between inputs and label weakened: concept drift
        var drifted = PerformanceCalculator.Realised(Labelled(p2, y2), "auc", options, reference);
        var (p3, y3) = Calibrated(3000, 9);
        var same = PerformanceCalculator.Realised(Labelled(p3, y3), "auc", options, reference);
        Assert.True(drifted.ConceptDrift, $"auc {drifted.Value.Estimate} against reference [{reference.Low}, {reference.High}]");
        Assert.False(same.ConceptDrift, $"auc {same.Value.Estimate} against reference [{reference.Low}, {reference.High}]");
    }

    [Fact]
    public async Task Join_FeedbackInSqliteLog_JoinedByRequestIdLatestOutcomeWins()
    {
        var folder = Path.Combine(Path.GetTempPath(), "keel-monitoring-tests", Guid.NewGuid().ToString("N"));
        await using (var log = await PredictionLogStores.OpenSqliteAsync(Path.Combine(folder, PredictionLogStores.FileName)))
        {
            static PredictionRecord Record(string id, double p, int minute) => new()
            {
                RequestId = id, Time = T0.AddMinutes(minute), Model = "credit", Version = 1, Arm = "champion", Endpoint = "invocations",
                Rows = 1, InputsJson = "[{\"x\":1}]",
                OutputsJson = $"[{{\"label\":\"{(p > 0.5 ? "yes" : "no")}\",\"probabilities\":{{\"no\":{1 - p},\"yes\":{p}}}}}]",
            };
            await log.AppendAsync([Record("a", 0.9, 0), Record("b", 0.2, 1), Record("c", 0.7, 2)]);
            await log.AddFeedbackAsync(new FeedbackRecord("a", "\"no\"", T0.AddHours(1)));
            await log.AddFeedbackAsync(new FeedbackRecord("a", "\"yes\"", T0.AddHours(2))); // a correction
            await log.AddFeedbackAsync(new FeedbackRecord("b", "\"no\"", T0.AddHours(1)));
            var joined = FeedbackJoin.Join(await log.ListAsync(new PredictionQuery { Model = "credit" }));
            Assert.Equal((2, 1), (joined.Count, joined.Unlabelled));
            Assert.Equal([1, 0], joined.Truth.ClassIndices!);
            Assert.Equal([0.9, 0.2], joined.Predictions.Probabilities!.Select(r => r[1]));
            Assert.Equal(["no", "yes"], joined.Truth.Classes);
        }
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A logged one-row request of credit with these answers.</summary>
    private static PredictionRecord OneRow(string id, string outputsJson) => new()
    {
        RequestId = id, Time = T0, Model = "credit", Version = 1, Arm = "champion", Endpoint = "invocations", Rows = 1, InputsJson = "[{}]", OutputsJson = outputsJson,
    };

    [Fact]
    public void Join_OutcomeNotAClass_ErrorNamesRequest()
    {
        var record = OneRow("r-17", "[{\"label\":\"no\",\"probabilities\":{\"no\":0.6,\"yes\":0.4}}]");
        var e = Assert.Throws<KeelInputException>(() => FeedbackJoin.Join([new LoggedPrediction(record, [new FeedbackRecord("r-17", "\"maybe\"", T0)])]));
        Assert.Contains("'r-17'", e.Message, StringComparison.Ordinal);
        Assert.Contains("maybe", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JoinAndAllPredictions_AnswerWithoutProbabilities_ErrorNamesRequest()
    {
        var record = OneRow("r-18", "[{\"label\":\"no\"}]");
        var joined = Assert.Throws<KeelInputException>(() => FeedbackJoin.Join([new LoggedPrediction(record, [new FeedbackRecord("r-18", "\"no\"", T0)])]));
        var all = Assert.Throws<KeelInputException>(() => FeedbackJoin.AllPredictions([new LoggedPrediction(record, [])]));
        foreach (var e in new[] { joined, all })
        {
            Assert.Contains("'r-18'", e.Message, StringComparison.Ordinal);
            Assert.Contains("no \"probabilities\" object", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void KeyJoin_LabelsByKey_OnlyLabelledRowsInPredictionOrder()
    {
        var predictions = new Predictions { Task = TaskKind.Binary, Classes = ["no", "yes"], Probabilities = [[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]] };
        var joined = KeyJoin.Join(["k1", "k2", "k3"], predictions, null, ["k3", "k1"], ["yes", "NO"], "labels.csv");
        Assert.Equal((2, 1), (joined.Count, joined.Unlabelled));
        Assert.Equal([0, 1], joined.Truth.ClassIndices!);
        Assert.Equal([0.1, 0.5], joined.Predictions.Probabilities!.Select(r => r[1]));
    }

    [Fact]
    public void KeyJoin_BadLabel_ErrorNamesFileAndRow()
    {
        var predictions = new Predictions { Task = TaskKind.Regression, Values = [1.0] };
        var e = Assert.Throws<KeelInputException>(() => KeyJoin.Join(["k1"], predictions, null, ["k0", "k1"], ["2.0", "high"], "labels.csv"));
        Assert.Contains("labels.csv row 2", e.Message, StringComparison.Ordinal);
    }
}
