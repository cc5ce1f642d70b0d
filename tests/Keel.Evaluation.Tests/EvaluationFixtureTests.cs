using System.Globalization;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Calibration;
using Keel.Evaluation.Conformal;
using Keel.Evaluation.Fairness;
using Keel.Evaluation.Significance;
using Keel.Evaluation.Slices;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Tests;

/// <summary>Bootstrap, significance, calibration, slicing, fairness and conformal figures against Fixtures/evaluation_fixtures.json
/// (make_evaluation_fixtures.py: scikit-learn 1.2.1, SciPy 1.10, pandas 1.5, DeLong and Fairlearn written out).</summary>
public sealed class EvaluationFixtureTests
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "evaluation_fixtures.json"))).RootElement.Clone());

    private static JsonElement J(params string[] path) => path.Aggregate(Root.Value, (e, p) => e.GetProperty(p));
    private static double[] D(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();
    private static int[] I(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    private static readonly string[] Classes = ["neg", "pos"];
    private static EncodedLabels BinaryTruth(int[] y) => new() { Task = TaskKind.Binary, Classes = Classes, ClassIndices = y };
    private static Predictions BinaryPredictions(double[] p1) =>
        new() { Task = TaskKind.Binary, Classes = Classes, Probabilities = p1.Select(p => new[] { 1 - p, p }).ToArray() };

    private static void Bootstrapped(JsonElement expected, IReadOnlyDictionary<string, Interval> actual)
    {
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(), actual.Keys.Order());
        foreach (var m in expected.EnumerateObject())
        {
            var e = m.Value;
            var a = actual[m.Name];
            Close.Equal(e.GetProperty("estimate").GetDouble(), a.Estimate, $"{m.Name} estimate");
            Close.Equal(e.GetProperty("interval")[0].GetDouble(), a.Low, $"{m.Name} low");
            Close.Equal(e.GetProperty("interval")[1].GetDouble(), a.High, $"{m.Name} high");
            Assert.Equal(e.GetProperty("resamples").GetInt32(), a.Resamples);
        }
    }

    [Fact]
    public void MetricIntervals_BinaryFixture_MatchPercentileBootstrapOfScikitLearn()
    {
        var b = J("binary");
        var options = new BootstrapOptions { Seed = b.GetProperty("seed").GetUInt64(), Resamples = b.GetProperty("resamples").GetInt32(), Confidence = b.GetProperty("confidence").GetDouble() };

        var intervals = Bootstrap.MetricIntervals(BinaryTruth(I(b.GetProperty("y"))), BinaryPredictions(D(b.GetProperty("p_a"))), options);

        Bootstrapped(b.GetProperty("bootstrap"), intervals);
    }

    [Fact]
    public void MetricIntervals_RegressionFixture_MatchPercentileBootstrapOfScikitLearn()
    {
        var r = J("regression");
        var options = new BootstrapOptions { Seed = r.GetProperty("seed").GetUInt64(), Resamples = r.GetProperty("resamples").GetInt32(), Confidence = r.GetProperty("confidence").GetDouble() };

        var intervals = Bootstrap.MetricIntervals(new EncodedLabels { Task = TaskKind.Regression, Values = D(r.GetProperty("y")) },
            new Predictions { Task = TaskKind.Regression, Values = D(r.GetProperty("p")) }, options);

        Bootstrapped(r.GetProperty("bootstrap"), intervals);
    }

    [Fact]
    public void DeLongTest_CorrelatedModelsWithTies_MatchesDirectFormula()
    {
        var b = J("binary");
        var e = b.GetProperty("delong");

        var (aucA, aucB, diff, se, p) = DeLong.Test(I(b.GetProperty("y")), D(b.GetProperty("p_a")), D(b.GetProperty("p_b")));

        Close.Equal(e.GetProperty("auc_a").GetDouble(), aucA, "auc a");
        Close.Equal(e.GetProperty("auc_b").GetDouble(), aucB, "auc b");
        Close.Equal(e.GetProperty("difference").GetDouble(), diff, "difference");
        Close.Equal(e.GetProperty("std_error").GetDouble(), se, "std error");
        Close.Equal(e.GetProperty("p_value").GetDouble(), p, "p");
    }

    [Fact]
    public void McNemarPValue_DiscordantCounts_MatchScipyBinomtestAndChi2()
    {
        foreach (var c in J("mcnemar").EnumerateArray())
        {
            int b = c.GetProperty("b").GetInt32(), cc = c.GetProperty("c").GetInt32();
            var p = McNemar.PValue(b, cc, out var method);
            Assert.Equal(c.GetProperty("method").GetString(), method);
            Close.Equal(c.GetProperty("p_value").GetDouble(), p, $"mcnemar {b}/{cc}");
        }
    }

    [Fact]
    public void PairedBootstrap_F1Difference_MatchesReference()
    {
        var b = J("binary");
        var e = b.GetProperty("paired_f1");
        var options = new BootstrapOptions { Seed = b.GetProperty("seed").GetUInt64(), Resamples = b.GetProperty("resamples").GetInt32() };

        var (diff, interval, p) = PairedBootstrap.Test(BinaryTruth(I(b.GetProperty("y"))), BinaryPredictions(D(b.GetProperty("p_a"))),
            BinaryPredictions(D(b.GetProperty("p_b"))), "f1", options);

        Close.Equal(e.GetProperty("difference").GetDouble(), diff, "difference");
        Close.Equal(e.GetProperty("interval")[0].GetDouble(), interval.Low, "low");
        Close.Equal(e.GetProperty("interval")[1].GetDouble(), interval.High, "high");
        Close.Equal(e.GetProperty("p_value").GetDouble(), p, "p");
    }

    [Theory]
    [InlineData("uniform")]
    [InlineData("quantile")]
    public void ReliabilityCurve_Strategy_MatchesCalibrationCurve(string strategy)
    {
        var b = J("binary");
        var e = J("calibration", strategy);

        var curve = Reliability.Curve(I(b.GetProperty("y")), D(b.GetProperty("p_a")), 10, strategy);

        var fraction = D(e.GetProperty("fraction_positive"));
        var mean = D(e.GetProperty("mean_predicted"));
        Assert.Equal(fraction.Length, curve.Count);
        for (var i = 0; i < curve.Count; i++)
        {
            Close.Equal(fraction[i], curve[i].FractionPositive, $"{strategy} bin {i} fraction");
            Close.Equal(mean[i], curve[i].MeanPredicted, $"{strategy} bin {i} mean");
        }
    }

    [Fact]
    public void ExpectedCalibrationError_UniformBins_MatchesReference()
    {
        var b = J("binary");

        var ece = Reliability.ExpectedCalibrationError(Reliability.Curve(I(b.GetProperty("y")), D(b.GetProperty("p_a"))));

        Close.Equal(J("calibration", "ece").GetDouble(), ece, "ece");
    }

    [Theory]
    [InlineData("isotonic", "isotonic", 1e-9)]
    [InlineData("sigmoid", "sigmoid_exact", 1e-9)]
    // scikit-learn's BFGS stops at a gradient norm of 1e-5, so its sigmoid is the optimum only to about 1e-6.
    [InlineData("sigmoid", "sigmoid", 1e-5)]
    public void CalibratorFit_PrefitScores_MatchesCalibratedClassifierCV(string method, string reference, double tolerance)
    {
        var b = J("binary");
        var y = I(b.GetProperty("y"));
        var p = D(b.GetProperty("p_a"));
        var fit = I(J("calibration", "fit_rows"));
        var apply = I(J("calibration", "apply_rows"));

        var calibrator = Calibrators.Fit(method, fit.Select(i => y[i]).ToArray(), fit.Select(i => p[i]).ToArray());
        var calibrated = calibrator.Apply(apply.Select(i => p[i]).ToArray());

        var expected = D(J("calibration", reference));
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - calibrated[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"{reference} row {i}: {expected[i]:R} vs {calibrated[i]:R}");
    }

    [Fact]
    public void Segments_NumericColumn_MatchPandasQcut()
    {
        var x = D(J("qcut", "x"));
        var codes = I(J("qcut", "codes"));

        var segments = Slicer.Segments(new NumericColumn("x", x), Enumerable.Range(0, x.Length).ToArray(), J("qcut", "bins").GetInt32());

        var actual = new int[x.Length];
        for (var s = 0; s < segments.Count; s++)
        {
            foreach (var r in segments[s].Rows) actual[r] = s;
        }
        Assert.Equal(codes, actual);
    }

    [Fact]
    public void Segments_DateTimeColumn_EdgesWrittenAsDatesOrTimesNotSeconds()
    {
        var day = 86_400.0;
        var start = DateTimeOffset.Parse("2001-01-01T00:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        var days = new NumericColumn("date", [.. Enumerable.Range(0, 9).Select(i => start + i * day)], ColumnType.DateTime);
        var times = new NumericColumn("time", [.. Enumerable.Range(0, 9).Select(i => start + i * day + 3_600 * 6.5)], ColumnType.DateTime);

        var byDay = Slicer.Segments(days, Enumerable.Range(0, 9).ToArray()).Select(s => s.Value).ToArray();
        var byTime = Slicer.Segments(times, Enumerable.Range(0, 9).ToArray()).Select(s => s.Value).ToArray();

        Assert.Equal(["[2001-01-01, 2001-01-03]", "(2001-01-03, 2001-01-05]", "(2001-01-05, 2001-01-07]", "(2001-01-07, 2001-01-09]"], byDay);
        Assert.Equal("[2001-01-01T06:30:00Z, 2001-01-03T06:30:00Z]", byTime[0]);
    }

    [Fact]
    public void FairnessAudit_ThreeGroups_MatchesFairlearnDefinitions()
    {
        var b = J("binary");
        var f = J("fairness");
        var groups = f.GetProperty("groups").EnumerateArray().Select(g => g.GetString()).ToArray();

        var audit = FairnessAudit.Audit(new StringColumn("g", groups), BinaryTruth(I(b.GetProperty("y"))), BinaryPredictions(D(b.GetProperty("p_a"))),
            new BootstrapOptions { Resamples = 50 });

        var expected = f.GetProperty("per_group").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, audit.Groups.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].GetProperty("group").GetString(), audit.Groups[i].Group);
            Assert.Equal(expected[i].GetProperty("rows").GetInt32(), audit.Groups[i].Rows);
            Close.Equal(expected[i].GetProperty("selection_rate").GetDouble(), audit.Groups[i].SelectionRate, "selection rate");
            Close.Equal(expected[i].GetProperty("tpr").GetDouble(), audit.Groups[i].TruePositiveRate, "tpr");
            Close.Equal(expected[i].GetProperty("fpr").GetDouble(), audit.Groups[i].FalsePositiveRate, "fpr");
            Close.Equal(expected[i].GetProperty("precision").GetDouble(), audit.Groups[i].Precision, "precision");
        }
        var s = f.GetProperty("summaries");
        Close.Equal(s.GetProperty("demographic_parity_difference").GetDouble(), audit.DemographicParityDifference!.Estimate, "dp difference");
        Close.Equal(s.GetProperty("demographic_parity_ratio").GetDouble(), audit.DemographicParityRatio!.Estimate, "dp ratio");
        Close.Equal(s.GetProperty("equalized_odds_difference").GetDouble(), audit.EqualizedOddsDifference!.Estimate, "eo difference");
        Assert.True(audit.EqualizedOddsDifference.Low <= audit.EqualizedOddsDifference.High);
    }

    [Fact]
    public void SplitConformal_Regression_MatchesReference()
    {
        var r = J("regression");
        var e = J("conformal_regression");
        var y = D(r.GetProperty("y"));
        var p = D(r.GetProperty("p"));
        EncodedLabels T(IEnumerable<double> v) => new() { Task = TaskKind.Regression, Values = v.ToArray() };
        Predictions P(IEnumerable<double> v) => new() { Task = TaskKind.Regression, Values = v.ToArray() };

        var result = SplitConformal.Evaluate(T(y[..60]), P(p[..60]), T(y[60..]), P(p[60..]), e.GetProperty("coverage").GetDouble());

        Assert.Equal(60, result.CalibrationRows);
        Close.Equal(e.GetProperty("quantile").GetDouble(), result.Quantile, "quantile");
        Close.Equal(e.GetProperty("achieved").GetDouble(), result.AchievedCoverage, "coverage");
        Close.Equal(e.GetProperty("mean_size").GetDouble(), result.MeanSize, "width");
    }

    [Fact]
    public void SplitConformal_Classification_MatchesReference()
    {
        var b = J("binary");
        var e = J("conformal_classification");
        var y = I(b.GetProperty("y"));
        var p = D(b.GetProperty("p_a"));

        var result = SplitConformal.Evaluate(BinaryTruth(y[..100]), BinaryPredictions(p[..100]), BinaryTruth(y[100..]), BinaryPredictions(p[100..]),
            e.GetProperty("coverage").GetDouble());

        Close.Equal(e.GetProperty("quantile").GetDouble(), result.Quantile, "quantile");
        Close.Equal(e.GetProperty("achieved").GetDouble(), result.AchievedCoverage, "coverage");
        Close.Equal(e.GetProperty("mean_size").GetDouble(), result.MeanSize, "set size");
        Close.Equal(e.GetProperty("empty").GetDouble(), result.EmptySets, "empty");
    }
}
