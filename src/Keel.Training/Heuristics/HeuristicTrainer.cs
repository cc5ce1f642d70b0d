using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Training.Baselines;

namespace Keel.Training.Heuristics;

/// <summary>The heuristic baseline: hand-written rules, the first match decides, other rows get the zero-rule prediction.</summary>
internal sealed class HeuristicTrainer : ITrainer
{
    private readonly IReadOnlyList<Rule> _rules;
    private readonly string _where;

    /// <summary>Parses the rules now, so a bad rule fails before any training starts.</summary>
    public HeuristicTrainer(IReadOnlyList<string> rules, string where)
    {
        if (rules.Count == 0)
            throw new KeelInputException($"{where}: type heuristic needs 'rules', e.g. \"income < 2000 -> bad\".");
        _where = where;
        _rules = rules.Select((r, i) => RuleParser.Parse(r, $"{where} rule {i + 1}")).ToArray();
        EffectiveParams = new Dictionary<string, string>(StringComparer.Ordinal) { ["rules"] = string.Join("\n", rules) };
    }

    public string Type => "heuristic";
    public bool IsBaseline => true;
    public IReadOnlyDictionary<string, string> EffectiveParams { get; }

    public FitResult Fit(TrainingData train, TrainingData? validation, TrainContext context)
    {
        var labels = train.Labels;
        var claim = HeuristicState.Claim(_rules, train.Features, _where, context.SourceName);
        var schema = new DataSchema(_rules.SelectMany(r => r.Columns()).Distinct(StringComparer.Ordinal)
            .Select(c => new ColumnSchema(c, train.Features[c].Type)).ToArray());
        var fallback = ZeroRuleState.Fit(labels);

        double[][] probabilities = [];
        double[] values = [];
        if (labels.Task == TaskKind.Regression)
        {
            values = _rules.Select((r, i) => double.TryParse(r.Outcome, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v
                : throw new KeelInputException($"{_where} rule {i + 1} '{r.Text}': outcome must be a number for a regression task, got '{r.Outcome}'.")).ToArray();
        }
        else
        {
            var counts = new int[_rules.Count][];
            for (var k = 0; k < counts.Length; k++) counts[k] = new int[labels.Classes.Count];
            var y = labels.ClassIndices!;
            for (var i = 0; i < claim.Length; i++)
            {
                if (claim[i] >= 0) counts[claim[i]][y[i]]++;
            }
            probabilities = _rules.Select((r, k) => HeuristicState.RuleProbabilities(
                counts[k], HeuristicState.ClassIndex(r, labels.Classes, $"{_where} rule {k + 1}"))).ToArray();
        }

        var state = new HeuristicState(_rules.Select(r => r.Text).ToArray(), probabilities, values, fallback);
        return new FitResult(new BaselineModel(new ModelHeader(Type, labels.Task, labels.Classes, EffectiveParams), schema, state), null);
    }
}
