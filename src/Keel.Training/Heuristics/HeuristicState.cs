using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Baselines;

namespace Keel.Training.Heuristics;

/// <summary>The heuristic baseline's learned state: the rule lines, what each rule predicts, and the zero-rule fallback.</summary>
/// <param name="Rules">Rule lines as written in the spec, in order.</param>
/// <param name="Probabilities">Classification: per rule, the probabilities it predicts; empty for regression.</param>
/// <param name="Values">Regression: per rule, the value it predicts; empty for classification.</param>
/// <param name="Fallback">What rows matching no rule get.</param>
internal sealed record HeuristicState(string[] Rules, double[][] Probabilities, double[] Values, ZeroRuleState Fallback) : IBaselineState
{
    public Predictions Predict(Table features, TaskKind task, IReadOnlyList<string> classes)
    {
        var claim = Claim(Rules.Select((r, i) => RuleParser.Parse(r, $"rule {i + 1}")).ToArray(), features, "heuristic", "the input");
        var fallback = Fallback.Predict(features, task, classes);
        if (task == TaskKind.Regression)
        {
            var values = fallback.Values!;
            for (var i = 0; i < values.Length; i++)
            {
                if (claim[i] >= 0) values[i] = Values[claim[i]];
            }
            return fallback;
        }
        var p = fallback.Probabilities!;
        for (var i = 0; i < p.Length; i++)
        {
            if (claim[i] >= 0) p[i] = (double[])Probabilities[claim[i]].Clone();
        }
        return fallback;
    }

    /// <summary>Per row, the index of the first rule that matches it, or -1.</summary>
    public static int[] Claim(IReadOnlyList<Rule> rules, Table table, string where, string source)
    {
        var claim = new int[table.RowCount];
        Array.Fill(claim, -1);
        for (var k = 0; k < rules.Count; k++)
        {
            var mask = RuleEvaluator.Evaluate(rules[k].When, table, $"{where} rule {k + 1} '{rules[k].Text}'", source);
            for (var i = 0; i < claim.Length; i++)
            {
                if (claim[i] < 0 && mask[i]) claim[i] = k;
            }
        }
        return claim;
    }

    /// <summary>The Laplace-smoothed class distribution of the claimed rows, nudged (if needed) so the rule's class is the most probable.</summary>
    public static double[] RuleProbabilities(int[] claimedCounts, int ruleClass)
    {
        var k = claimedCounts.Length;
        var total = claimedCounts.Sum();
        var p = new double[k];
        for (var c = 0; c < k; c++) p[c] = (claimedCounts[c] + 1.0) / (total + k);
        var rival = 0.0;
        for (var c = 0; c < k; c++)
        {
            if (c != ruleClass) rival = Math.Max(rival, p[c]);
        }
        if (p[ruleClass] > rival) return p;
        // The rule says "this class", so blend toward it just enough to make it the argmax; log loss stays finite.
        var a = Math.Min(0.999, (rival - p[ruleClass]) / (1 + rival - p[ruleClass]) + 1e-3);
        for (var c = 0; c < k; c++) p[c] = (1 - a) * p[c] + (c == ruleClass ? a : 0);
        return p;
    }

    /// <summary>The class index named by a rule's outcome, or a clear error.</summary>
    public static int ClassIndex(Rule rule, IReadOnlyList<string> classes, string where)
    {
        for (var c = 0; c < classes.Count; c++)
        {
            if (string.Equals(classes[c], rule.Outcome, StringComparison.Ordinal)) return c;
        }
        throw new KeelInputException($"{where} '{rule.Text}': outcome '{rule.Outcome}' is not a label class; expected one of: {string.Join(", ", classes)}.");
    }
}
