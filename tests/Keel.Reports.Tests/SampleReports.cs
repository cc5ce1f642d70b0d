namespace Keel.Reports.Tests;

/// <summary>Plausible, seeded report models for the three tasks.</summary>
internal static class SampleReports
{
    public static ReportModel Binary(int seed = 42)
    {
        var rng = new Random(seed);
        var candidates = new List<CandidateResult>
        {
            Binary(rng, "majority", "MajorityClass", true, 0.5, 0.00, 0.4, 512),
            Binary(rng, "logistic", "SdcaLogisticRegression", false, 0.781, 0.84, 1.9, 14_336),
            Binary(rng, "lightgbm", "LightGbm", false, 0.812, 3.41, 6.3, 418_304, boosted: true),
            Binary(rng, "fasttree", "FastTree", false, 0.804, 2.95, 5.1, 1_310_720, boosted: true),
            Binary(rng, "fastforest", "FastForest", false, 0.796, 3.88, 9.7, 2_621_440),
        };
        return new ReportModel
        {
            Title = "credit_data — run 3f2a9c1e",
            Run = new RunSummary("3f2a9c1e8b7d4a6f", "credit_data", "binary", "2026-11-23T09:12:44Z",
                "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", true, 42,
                new Dictionary<string, string>
                {
                    ["os"] = "Debian GNU/Linux 12 (x64)", ["dotnet"] = "10.0.1", ["ml.net"] = "5.0.1",
                    ["cpu"] = "2 cores", ["keel"] = "0.1.0",
                }),
            Data = new DataSummary("samples/credit_data.csv", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                4454, 14, "Status", 3117, 668, 669, "stratified 70/15/15 by Status",
                [
                    Numeric(rng, "Seniority", 0, 0, 48, 7.99, 8.17),
                    Numeric(rng, "Income", 381, 0, 959, 141.7, 80.7),
                    Numeric(rng, "Amount", 0, 100, 5000, 1038.9, 474.5),
                    Categorical("Home", 6, ["owner", "rent", "parents", "priv", "other", "ignore"], [2107, 973, 783, 246, 319, 20]),
                    Categorical("Marital", 1, ["married", "single", "separated", "widow", "divorced"], [3241, 977, 130, 67, 38]),
                    Categorical("<script>alert('x')</script>", 0, ["a & b", "\"quoted\""], [10, 20]),
                ],
                [new LabelCount("good", 3200), new LabelCount("bad", 1254)]),
            Candidates = candidates,
            SelectionMetric = "auc",
            SelectionHigherIsBetter = true,
            Selected = "lightgbm",
            Gates =
            [
                new GateView("beats baseline", true, "auc 0.8120 ≥ majority 0.5000 + 0.02"),
                new GateView("max latency", true, "6.3 µs/row ≤ 1000 µs/row"),
                new GateView("no regression vs champion", false, "auc 0.8120 < champion 0.8190 − 0.005"),
            ],
            Registered = "not registered: gate 'no regression vs champion' failed",
        };
    }

    public static ReportModel Regression(int seed = 7)
    {
        var rng = new Random(seed);
        CandidateResult Reg(string name, string type, bool baseline, double noise, bool boosted)
        {
            var residuals = Enumerable.Range(0, 300).Select(_ =>
            {
                var actual = 60_000 + rng.NextDouble() * 400_000;
                var predicted = baseline ? 180_000 : actual + (rng.NextDouble() - 0.5) * 2 * noise;
                return new Point(predicted, actual);
            }).ToList();
            var rmse = Math.Sqrt(residuals.Average(p => (p.X - p.Y) * (p.X - p.Y)));
            return new CandidateResult
            {
                Name = name, Type = type, IsBaseline = baseline,
                TrainSeconds = baseline ? 0 : 1.5 + rng.NextDouble() * 3, PredictMicrosPerRow = 3 + rng.NextDouble() * 5,
                ModelBytes = baseline ? 300 : 200_000 + rng.Next(1_000_000),
                ValidationMetrics = new Dictionary<string, double> { ["rmse"] = rmse * 1.03, ["mae"] = rmse * 0.8, ["r2"] = baseline ? -0.01 : 0.88 },
                TestMetrics = new Dictionary<string, double> { ["rmse"] = rmse, ["mae"] = rmse * 0.78, ["r2"] = baseline ? double.NaN : 0.87 },
                Residuals = residuals,
                LossCurves = boosted ? Loss(rng, 200, 80_000, 20_000) : [],
                Params = baseline ? new Dictionary<string, string>() : new Dictionary<string, string> { ["learning_rate"] = "0.05", ["num_leaves"] = "31" },
            };
        }
        return Binary(seed) with
        {
            Title = "ames — run 77c0ffee",
            Run = Binary(seed).Run with { Task = "regression", Experiment = "ames", GitDirty = false },
            Data = Binary(seed).Data with { Label = "SalePrice", LabelDistribution = [] },
            Candidates = [Reg("mean", "MeanBaseline", true, 0, false), Reg("lightgbm", "LightGbm", false, 25_000, true), Reg("sdca", "Sdca", false, 45_000, false)],
            SelectionMetric = "rmse",
            SelectionHigherIsBetter = false,
            Selected = "lightgbm",
            Gates = [],
            Registered = "ames v3 (alias champion)",
        };
    }

    public static ReportModel Multiclass()
    {
        string[] classes = ["Adelie", "Chinstrap", "Gentoo"];
        int[][] cm = [[30, 2, 1], [3, 11, 0], [0, 0, 25]];
        var c = new CandidateResult
        {
            Name = "maxent", Type = "LbfgsMaximumEntropy", Classes = classes, ConfusionMatrix = cm,
            ValidationMetrics = new Dictionary<string, double> { ["macro_f1"] = 0.91, ["accuracy"] = 0.93 },
            TestMetrics = new Dictionary<string, double> { ["macro_f1"] = 0.89, ["accuracy"] = 0.915 },
        };
        return Binary() with
        {
            Title = "penguins — run 0d15ea5e",
            Candidates = [c, c with { Name = "majority", IsBaseline = true, ConfusionMatrix = [[33, 0, 0], [14, 0, 0], [25, 0, 0]] }],
            SelectionMetric = "macro_f1",
            Selected = "maxent",
        };
    }

    private static CandidateResult Binary(Random rng, string name, string type, bool baseline, double auc, double train,
        double micros, long bytes, bool boosted = false)
    {
        var roc = RocCurve(rng, auc);
        var pr = roc.Skip(1).Select(p => new Point(p.Y, 0.28 * p.Y / (0.28 * p.Y + 0.72 * p.X + 1e-9))).Prepend(new Point(0, 1)).ToList();
        var tp = (int)(188 * (0.35 + auc * 0.4));
        var fp = (int)(481 * (1 - auc) * 0.5);
        return new CandidateResult
        {
            Name = name, Type = type, IsBaseline = baseline, TrainSeconds = train, PredictMicrosPerRow = micros, ModelBytes = bytes,
            ValidationMetrics = new Dictionary<string, double> { ["auc"] = auc, ["accuracy"] = 0.7 + auc * 0.1, ["f1"] = baseline ? 0 : auc - 0.2, ["log_loss"] = 1.1 - auc },
            TestMetrics = new Dictionary<string, double> { ["auc"] = auc - 0.006, ["accuracy"] = 0.7 + auc * 0.1, ["f1"] = baseline ? double.NaN : auc - 0.21, ["pr_auc"] = auc - 0.15, ["log_loss"] = 1.12 - auc },
            Classes = ["bad", "good"],
            ConfusionMatrix = baseline ? [[0, 188], [0, 481]] : [[tp, 188 - tp], [fp, 481 - fp]],
            Roc = baseline ? [new Point(0, 0), new Point(1, 1)] : roc,
            PrecisionRecall = baseline ? [new Point(0, 0.28), new Point(1, 0.28)] : pr,
            LossCurves = boosted ? Loss(rng, 150, 0.62, 0.38) : [],
            Params = baseline ? new Dictionary<string, string>() : new Dictionary<string, string>
            {
                ["learning_rate"] = "0.1", ["num_leaves"] = rng.Next(15, 64).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["min_data_per_leaf"] = "20", ["l2_regularization"] = "0.01",
            },
        };
    }

    // A concave curve through (0,0) and (1,1) whose area is roughly the target AUC.
    private static List<Point> RocCurve(Random rng, double auc)
    {
        var k = auc / (1 - auc);
        var pts = new List<Point> { new(0, 0) };
        var x = 0.0;
        while (x < 1)
        {
            x = Math.Min(1, x + 0.01 + rng.NextDouble() * 0.03);
            pts.Add(new Point(x, Math.Min(1, Math.Pow(x, 1 / k) + (rng.NextDouble() - 0.5) * 0.01)));
        }
        pts[^1] = new Point(1, 1);
        return pts;
    }

    private static IReadOnlyList<LossCurve> Loss(Random rng, int iterations, double start, double floor)
    {
        Point At(int i, double gap) => new(i, floor + (start - floor) * Math.Exp(-i / (iterations / 5.0)) + gap * i / iterations + (rng.NextDouble() - 0.5) * (start - floor) * 0.01);
        return
        [
            new LossCurve("train", Enumerable.Range(1, iterations).Select(i => At(i, -(start - floor) * 0.2)).ToList()),
            new LossCurve("validation", Enumerable.Range(1, iterations).Select(i => At(i, (start - floor) * 0.1)).ToList()),
        ];
    }

    private static ColumnView Numeric(Random rng, string name, int missing, double min, double max, double mean, double std)
    {
        var bins = Enumerable.Range(0, 12).Select(i =>
        {
            var lo = min + (max - min) * i / 12;
            var z = (lo - mean) / std;
            return new BarDatum($"{lo:0.#}–{min + (max - min) * (i + 1) / 12:0.#}", Math.Round(400 * Math.Exp(-z * z / 2) + rng.Next(0, 30)));
        }).ToList();
        return new ColumnView(name, "number", missing, 300 + rng.Next(200), mean, std, min, max, bins);
    }

    private static ColumnView Categorical(string name, int missing, string[] values, int[] counts) =>
        new(name, "category", missing, values.Length, null, null, null, null,
            values.Zip(counts, (v, c) => new BarDatum(v, c)).ToList());
}
