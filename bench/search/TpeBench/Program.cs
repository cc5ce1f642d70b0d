using System.Diagnostics;
using System.Globalization;
using Keel.Core.Search;
using Keel.Search;
using Keel.Search.Samplers;

// Keel's samplers on cheap deterministic objectives, written identically in optuna_bench.py; one JSON line per (objective, sampler, seed).
//   dotnet run -c Release --project bench/search/TpeBench -- 50,100 0,1,2,3,4 [mixed,branin,hartmann6,...] [tpe,tpe-mv,random,...]
// Budgets "50,100": one run of the largest per seed, the best so far reported at each (the first 50 trials do not depend on how
// many follow). Objectives mixed, branin, hartmann6 tuned Keel's samplers; rosen4log, catheavy, styblinski5 were held out by round 5's
// first rule, gbmlike by its second, levy6, sixhump and svmlike by its third (bench/search/round5-rule.md).
// Samplers: tpe (Optuna 3.1's TPESampler), tpe-mv (its multivariate=True), nsga2 (its NSGAIISampler, population 10), random, and the round-5 candidates W1-W4, V1-V3, D1-D4 and R
// (bench/search/round5-rule.md).
// "window=K" (anywhere) simulates K workers: after the 10 start-up trials have run one after another, K trials are in flight and
// the oldest finishes before the next is asked, so each trial's sampler sees the K - 1 before it running (with their parameters).
// Samplers tpe-liar and tpe-mv-liar are tpe and tpe-mv with the constant liar. optuna_bench.py simulates the same.
var window = args.Where(a => a.StartsWith("window=", StringComparison.Ordinal)).Select(a => int.Parse(a["window=".Length..], CultureInfo.InvariantCulture)).DefaultIfEmpty(1).Last();
args = args.Where(a => !a.StartsWith("window=", StringComparison.Ordinal)).ToArray();
var budgets = (args.Length > 0 ? args[0] : "100").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order().ToArray();
var seeds = (args.Length > 1 ? args[1] : "0,1,2,3,4").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var names = (args.Length > 2 ? args[2] : "mixed,branin,hartmann6").Split(',');
var samplers = (args.Length > 3 ? args[3] : "tpe,random").Split(',');
// A fifth argument "trace" prints every trial's parameters (categoricals as the choice's index) and value instead of the best values.
var trace = args.Length > 4 && args[4] == "trace";

var objectives = new (string Name, SearchSpace Space, Func<IReadOnlyDictionary<string, double>, double> F)[]
{
    ("mixed", new SearchSpace([
        new ParamSpec("x", new FloatDistribution(-5, 5)),
        new ParamSpec("lr", new FloatDistribution(1e-4, 1, Log: true)),
        new ParamSpec("leaves", new IntDistribution(2, 256, Log: true)),
        new ParamSpec("booster", new CategoricalDistribution(["gbdt", "dart", "goss"])),
        new ParamSpec("drop", new FloatDistribution(0, 0.5)) { When = ("booster", "dart") },
    ]), p => Math.Pow(p["x"] - 1.5, 2) + Math.Pow(Math.Log10(p["lr"]) + 2, 2) + Math.Pow(Math.Log2(p["leaves"] / 31), 2) / 4
        + (p["booster"] == 2 ? 0 : p["booster"] == 1 ? 0.5 + 4 * Math.Pow(p["drop"] - 0.1, 2) : 1)),
    ("branin", new SearchSpace([new ParamSpec("x1", new FloatDistribution(-5, 10)), new ParamSpec("x2", new FloatDistribution(0, 15))]), p =>
    {
        double x1 = p["x1"], x2 = p["x2"];
        var b = 5.1 / (4 * Math.PI * Math.PI);
        var c = 5 / Math.PI;
        return Math.Pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - 1 / (8 * Math.PI)) * Math.Cos(x1) + 10;
    }),
    ("hartmann6", new SearchSpace(Enumerable.Range(0, 6).Select(i => new ParamSpec($"x{i}", new FloatDistribution(0, 1))).ToArray()), p => Hartmann6(p)),
    ("rosen4log", new SearchSpace(Enumerable.Range(0, 4).Select(i => new ParamSpec($"x{i}", new FloatDistribution(-2.048, 2.048))).ToArray()),
        p => Math.Log(1 + Enumerable.Range(0, 3).Sum(i => 100 * Math.Pow(p[$"x{i + 1}"] - p[$"x{i}"] * p[$"x{i}"], 2) + Math.Pow(1 - p[$"x{i}"], 2)))),
    ("catheavy", new SearchSpace([
        new ParamSpec("a", new CategoricalDistribution(["p", "q", "r", "s"])),
        new ParamSpec("b", new CategoricalDistribution(["u", "v", "w"])),
        new ParamSpec("depth", new IntDistribution(1, 10)),
        new ParamSpec("lr", new FloatDistribution(1e-3, 1, Log: true)),
        new ParamSpec("kind", new CategoricalDistribution(["lin", "tree", "knn"])),
        new ParamSpec("leaves", new IntDistribution(2, 128, Log: true)) { When = ("kind", "tree") },
        new ParamSpec("k", new FloatDistribution(0, 1)) { When = ("kind", "knn") },
    ]), p => new[] { 0.6, 0.3, 0, 0.9 }[(int)p["a"]] + (p["b"] == 1 ? 0 : 0.4) + Math.Pow(p["depth"] - 7, 2) / 20
        + Math.Pow(Math.Log10(p["lr"]) + 1.5, 2) / 2
        + (p["kind"] == 1 ? Math.Pow(Math.Log2(p["leaves"]) - 5, 2) / 8 : p["kind"] == 2 ? 0.3 + 2 * Math.Pow(p["k"] - 0.7, 2) : 0.8)),
    ("styblinski5", new SearchSpace(Enumerable.Range(0, 5).Select(i => new ParamSpec($"x{i}", new FloatDistribution(-5, 5))).ToArray()),
        p => 0.5 * Enumerable.Range(0, 5).Sum(i => Math.Pow(p[$"x{i}"], 4) - 16 * Math.Pow(p[$"x{i}"], 2) + 5 * p[$"x{i}"])),
    ("gbmlike", new SearchSpace([
        new ParamSpec("lr", new FloatDistribution(1e-3, 1, Log: true)),
        new ParamSpec("depth", new IntDistribution(2, 12)),
        new ParamSpec("min_child", new IntDistribution(1, 100, Log: true)),
        new ParamSpec("subsample", new FloatDistribution(0.5, 1)),
        new ParamSpec("colsample", new FloatDistribution(0.3, 1)),
        new ParamSpec("booster", new CategoricalDistribution(["gbtree", "dart", "gblinear"])),
        new ParamSpec("rate_drop", new FloatDistribution(0, 0.5)) { When = ("booster", "dart") },
        new ParamSpec("alpha", new FloatDistribution(1e-3, 10, Log: true)) { When = ("booster", "gblinear") },
    ]), p => Math.Pow(Math.Log10(p["lr"]) + 2 - p["depth"] / 6, 2) + Math.Pow(p["depth"] - 6, 2) / 30 + Math.Pow(Math.Log10(p["min_child"]) - 1, 2) / 2
        + 2 * Math.Pow(p["subsample"] - 0.8, 2) + 2 * Math.Pow(p["colsample"] - 0.6, 2)
        + (p["booster"] == 1 ? 4 * Math.Pow(p["rate_drop"] - 0.1, 2) : p["booster"] == 2 ? 0.5 + Math.Pow(Math.Log10(p["alpha"]), 2) / 4 : 0.1)),
    ("levy6", new SearchSpace(Enumerable.Range(0, 6).Select(i => new ParamSpec($"x{i}", new FloatDistribution(-10, 10))).ToArray()), p =>
    {
        var w = Enumerable.Range(0, 6).Select(i => 1 + (p[$"x{i}"] - 1) / 4).ToArray();
        return Math.Pow(Math.Sin(Math.PI * w[0]), 2) + Enumerable.Range(0, 5).Sum(i => Math.Pow(w[i] - 1, 2) * (1 + 10 * Math.Pow(Math.Sin(Math.PI * w[i] + 1), 2)))
            + Math.Pow(w[5] - 1, 2) * (1 + Math.Pow(Math.Sin(2 * Math.PI * w[5]), 2));
    }),
    ("sixhump", new SearchSpace([new ParamSpec("x1", new FloatDistribution(-3, 3)), new ParamSpec("x2", new FloatDistribution(-2, 2))]), p =>
    {
        double x1 = p["x1"], x2 = p["x2"];
        return (4 - 2.1 * x1 * x1 + Math.Pow(x1, 4) / 3) * x1 * x1 + x1 * x2 + (-4 + 4 * x2 * x2) * x2 * x2;
    }),
    ("svmlike", new SearchSpace([
        new ParamSpec("C", new FloatDistribution(1e-3, 1e3, Log: true)),
        new ParamSpec("gamma", new FloatDistribution(1e-4, 10, Log: true)),
        new ParamSpec("kernel", new CategoricalDistribution(["rbf", "poly", "linear"])),
        new ParamSpec("degree", new IntDistribution(2, 5)) { When = ("kernel", "poly") },
    ]), p =>
    {
        double u = Math.Log10(p["C"]), v = Math.Log10(p["gamma"]);
        return p["kernel"] switch
        {
            0 => Math.Pow(u + v - 1, 2) + 0.05 * Math.Pow(u - 1.5, 2),
            1 => 0.2 + Math.Pow(u + v - 0.5, 2) + 0.05 * Math.Pow(u - 1, 2) + 0.1 * Math.Pow(p["degree"] - 3, 2),
            _ => 0.4 + 0.1 * u * u,
        };
    }),
};

foreach (var (name, space, f) in objectives.Where(o => names.Contains(o.Name)))
{
    foreach (var sampler in samplers)
    {
        foreach (var seed in seeds)
        {
            // The candidates of bench/search/round5-rule.md; R is TpeSamplerOptions.Watanabe2023.
            var w1 = W4(seed) with { MinBandwidthFactor = 0.01 };
            var s = sampler switch
            {
                "tpe" => SamplerFactory.Tpe(TpeSamplerOptions.Optuna31(seed)),
                "tpe-mv" => SamplerFactory.Tpe(TpeSamplerOptions.Optuna31(seed) with { Multivariate = true }),
                "tpe-liar" => SamplerFactory.Tpe(TpeSamplerOptions.Optuna31(seed) with { ConstantLiar = true }),
                "tpe-mv-liar" => SamplerFactory.Tpe(TpeSamplerOptions.Optuna31(seed) with { Multivariate = true, ConstantLiar = true }),
                "W1" => SamplerFactory.Tpe(w1),
                "W2" => SamplerFactory.Tpe(w1 with { NormalisedDensity = false }),
                "W3" => SamplerFactory.Tpe(w1 with { Gamma = TpeGamma.Linear, GammaBeta = 0.1 }),
                "W4" => SamplerFactory.Tpe(W4(seed)),
                "V1" => SamplerFactory.Tpe(W4(seed) with { CategoricalPriorWeight = null }),
                "V2" => SamplerFactory.Tpe(W4(seed) with { Gamma = TpeGamma.Linear, GammaBeta = 0.1 }),
                "V3" => SamplerFactory.Tpe(V3(seed)),
                // Diagnosis after the second rule (catheavy): V3 with one component put back to Optuna's.
                "D1" => SamplerFactory.Tpe(V3(seed) with { Bandwidth = TpeBandwidth.Optuna, MinBandwidthFactor = 0.01, MagicClipExponent = 1 }),
                "D2" => SamplerFactory.Tpe(V3(seed) with { Weighting = TpeWeighting.OldDecay }),
                "D3" => SamplerFactory.Tpe(V3(seed) with { NormalisedDensity = false }),
                "D4" or "R" => SamplerFactory.Tpe(TpeSamplerOptions.Watanabe2023(seed)),
                "random" => SamplerFactory.Random(new RandomSamplerOptions { Seed = seed }),
                "nsga2" => SamplerFactory.Nsga2(new Nsga2SamplerOptions { Seed = seed, PopulationSize = 10 }),
                _ => throw new ArgumentException($"unknown sampler {sampler}"),
            };
            var history = new List<TrialRecord>();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < budgets[^1]; i++)
            {
                var seen = window > 1 && i > 10
                    ? history.Select(t => t.Number >= Math.Max(10, i - window + 1) ? t with { State = TrialState.Running, Value = null } : t).ToList()
                    : history;
                var p = Sampling.SampleAll(s, space, i, seen, Direction.Minimize);
                history.Add(new TrialRecord(i, 1, TrialState.Complete, "g", p) { Value = f(p) });
            }
            var ms = watch.Elapsed.TotalMilliseconds / budgets[^1];
            if (trace)
            {
                foreach (var t in history)
                {
                    var ps = string.Join(", ", t.Params.Select(kv => string.Create(CultureInfo.InvariantCulture, $"\"{kv.Key}\": {kv.Value:R}")));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{{\"impl\": \"keel\", \"objective\": \"{name}\", \"sampler\": \"{sampler}\", \"seed\": {seed}, \"trial\": {t.Number}, \"params\": {{{ps}}}, \"value\": {t.Value!.Value:R}}}"));
                }
                continue;
            }
            foreach (var budget in budgets)
            {
                var best = history.Take(budget).Min(t => t.Value!.Value);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"impl\": \"keel\", \"objective\": \"{name}\", \"sampler\": \"{sampler}\", \"window\": {window}, \"seed\": {seed}, \"budget\": {budget}, \"best\": {best:R}, \"ms_per_trial\": {ms:F3}}}"));
            }
        }
    }
}

static TpeSamplerOptions W4(int seed) => TpeSamplerOptions.Watanabe2023(seed) with
{
    MinBandwidthFactor = 0.03, MagicClipExponent = double.PositiveInfinity, Gamma = TpeGamma.Sqrt, GammaBeta = 0.25, CategoricalPriorWeight = 0.2,
};

static TpeSamplerOptions V3(int seed) => W4(seed) with { CategoricalPriorWeight = null, Gamma = TpeGamma.Linear, GammaBeta = 0.1 };

static double Hartmann6(IReadOnlyDictionary<string, double> p)
{
    double[] alpha = [1.0, 1.2, 3.0, 3.2];
    double[,] a = { { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 } };
    double[,] pp = { { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 } };
    double sum = 0;
    for (var i = 0; i < 4; i++)
    {
        double inner = 0;
        for (var j = 0; j < 6; j++) inner += a[i, j] * Math.Pow(p[$"x{j}"] - pp[i, j], 2);
        sum += alpha[i] * Math.Exp(-inner);
    }
    return -sum;
}
