using System.Diagnostics;
using System.Globalization;
using Keel.Core.Search;
using Keel.Search;
using Keel.Search.Samplers;

// Keel's samplers on cheap deterministic objectives, written identically in optuna_bench.py; one JSON line per (objective, sampler, seed).
//   dotnet run -c Release --project bench/search/TpeBench -- 100 0,1,2,3,4 [mixed,branin,hartmann6] [tpe,tpe-mv,random]
var budget = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
var seeds = (args.Length > 1 ? args[1] : "0,1,2,3,4").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var names = (args.Length > 2 ? args[2] : "mixed,branin,hartmann6").Split(',');
var samplers = (args.Length > 3 ? args[3] : "tpe,random").Split(',');

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
};

foreach (var (name, space, f) in objectives.Where(o => names.Contains(o.Name)))
{
    foreach (var sampler in samplers)
    {
        foreach (var seed in seeds)
        {
            var s = sampler switch
            {
                "tpe" => SamplerFactory.Tpe(new TpeSamplerOptions { Seed = seed }),
                "tpe-mv" => SamplerFactory.Tpe(new TpeSamplerOptions { Seed = seed, Multivariate = true }),
                _ => SamplerFactory.Random(new RandomSamplerOptions { Seed = seed }),
            };
            var history = new List<TrialRecord>();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < budget; i++)
            {
                var p = Sampling.SampleAll(s, space, i, history, Direction.Minimize);
                history.Add(new TrialRecord(i, 1, TrialState.Complete, "g", p) { Value = f(p) });
            }
            var ms = watch.Elapsed.TotalMilliseconds / budget;
            var best = history.Min(t => t.Value!.Value);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"impl\": \"keel\", \"objective\": \"{name}\", \"sampler\": \"{sampler}\", \"seed\": {seed}, \"budget\": {budget}, \"best\": {best:R}, \"ms_per_trial\": {ms:F3}}}"));
        }
    }
}

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
