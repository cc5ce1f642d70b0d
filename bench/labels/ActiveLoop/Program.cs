// Simulated active learning on credit_data (samples/): the spec's seeded stratified split (test 20 %, no validation); a
// logistic regression (Keel's `linear`) starts from 40 random training rows, and each round 40 more rows of the training
// pool are "labelled" (their true Status revealed), chosen at random or by a strategy of `keel label suggest`, up to 600;
// test AUC after each round, mean over 5 seeds of the starting rows and random draws. Usage (repository root):
//     flock /tmp/keel-bench.lock dotnet run -c Release --project bench/labels/ActiveLoop > bench/labels/active-results.md
using System.Globalization;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Evaluation;
using Keel.Pipeline;
using Keel.Pipeline.Labels;
using Keel.Training;

var root = Directory.GetCurrentDirectory();
var spec = Path.Combine(Path.GetTempPath(), $"keel-active-{Guid.NewGuid():N}.yaml");
File.WriteAllText(spec, $"data: {{path: {Path.Combine(root, "samples", "credit_data.csv")}, label: Status}}\nmodels: [linear]\nsplit: {{test_fraction: 0.2, validation_fraction: 0}}\nseed: 1\n");
var run = RunPreparation.Prepare(spec, null);
File.Delete(spec);
var trainer = TrainerCatalog.Create(new ModelSpec { Type = "linear" }, run.Task, 0);
var test = run.Features.Take(run.Split.Test);
var testLabels = run.Label.Labels.Take(run.Split.Test);
const int Start = 40, Step = 40, End = 600, Seeds = 5;
string[] strategies = ["random", "uncertainty", "entropy", "diversity"];
var curves = strategies.ToDictionary(s => s, _ => new SortedDictionary<int, List<double>>());
foreach (var strategy in strategies)
{
    for (var seed = 0; seed < Seeds; seed++)
    {
        var random = new Random(seed);
        var pool = run.Split.Train.OrderBy(_ => random.Next()).ToList();
        var labelled = pool.Take(Start).ToList();
        pool = pool.Skip(Start).ToList();
        while (true)
        {
            var fit = trainer.Fit(new TrainingData(run.Features.Take(labelled), run.Label.Labels.Take(labelled)), null, new TrainContext(seed, "credit_data.csv"));
            var auc = Evaluator.Evaluate(testLabels, fit.Model.Predict(test)).Metrics["auc"];
            if (!curves[strategy].TryGetValue(labelled.Count, out var list)) curves[strategy][labelled.Count] = list = [];
            list.Add(auc);
            if (labelled.Count >= End) break;
            List<int> next;
            if (strategy == "random") next = pool.Take(Step).ToList();
            else
            {
                var features = run.Features.Take(pool);
                var p = fit.Model.Predict(features).Probabilities!;
                var kind = Enum.Parse<QueryStrategy>(strategy, ignoreCase: true);
                var inputs = kind == QueryStrategy.Diversity ? ActiveLearning.StandardisedInputs(features) : null;
                next = ActiveLearning.Choose(p, inputs, kind, Step).Select(s => pool[(int)s.Row]).ToList();
            }
            labelled.AddRange(next);
            var taken = next.ToHashSet();
            pool = pool.Where(r => !taken.Contains(r)).ToList();
        }
    }
}
Console.WriteLine($"| labelled rows | {string.Join(" | ", strategies)} |");
Console.WriteLine($"|---|{string.Concat(strategies.Select(_ => "---|"))}");
foreach (var n in curves["random"].Keys)
    Console.WriteLine($"| {n} | {string.Join(" | ", strategies.Select(s => curves[s][n].Average().ToString("0.000", CultureInfo.InvariantCulture)))} |");
Console.WriteLine($"\ncredit_data, {run.Split.Train.Length} training rows, {run.Split.Test.Length} test rows; test AUC, mean of {Seeds} seeds.");
