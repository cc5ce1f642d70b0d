using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Deployments;
using Keel.Core.Models;
using Keel.Training.Heuristics;

namespace Keel.Serving.Rollouts;

/// <summary>One answer a post-processing rule changed, for the prediction log.</summary>
/// <param name="Row">The row in the request.</param>
/// <param name="Rule">The rule as written in the deployment file.</param>
/// <param name="Before">The answer before the rule (label or value).</param>
/// <param name="After">The answer after it.</param>
public sealed record AnswerChange(int Row, string Rule, string Before, string After);

/// <summary>Answers after post-processing, with every change marked.</summary>
public sealed record PostProcessed(Predictions Predictions, IReadOnlyList<AnswerChange> Changes);

/// <summary>
/// Applies a deployment's post-processing rules to a model's answers, in file order. An override ("Income &lt; 10 -> bad", the heuristic
/// rule language) replaces the answer where its condition holds (a class becomes certain: probability 1; for regression the outcome is a
/// number); a row keeps the first override that matched. Clamp and coefficient apply to regression values. Rules are versioned with the
/// deployment file; each changed answer is reported so the log can record it.
/// </summary>
public sealed class PostProcessor
{
    private readonly string _source;
    private readonly IReadOnlyList<(PostRuleSpec Spec, Rule? Rule)> _rules;

    private PostProcessor(string source, IReadOnlyList<(PostRuleSpec, Rule?)> rules)
    {
        _source = source;
        _rules = rules;
    }

    /// <summary>The post-processor of <paramref name="file"/> (no rules: answers pass through unchanged).</summary>
    public static PostProcessor Create(DeploymentFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new PostProcessor(file.Source, file.PostProcessing
            .Select(r => (r, r.Kind == PostRuleKind.Override ? RuleParser.Parse(r.Text, Where(file.Source, r)) : null)).ToArray());
    }

    /// <summary>Whether there is anything to apply.</summary>
    public bool IsEmpty => _rules.Count == 0;

    /// <summary>Applies the rules to <paramref name="predictions"/> for the rows of <paramref name="inputs"/>.</summary>
    /// <exception cref="KeelInputException">A rule does not fit the model (a clamp on a classifier, an unknown class, a missing column).</exception>
    public PostProcessed Apply(Table inputs, Predictions predictions)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(predictions);
        if (IsEmpty) return new PostProcessed(predictions, []);
        var regression = predictions.Task == TaskKind.Regression;
        var values = predictions.Values?.ToArray();
        var probabilities = predictions.Probabilities?.Select(p => p).ToArray();
        var overridden = new bool[predictions.Count];
        var changes = new List<AnswerChange>();
        foreach (var (spec, rule) in _rules)
        {
            var where = Where(_source, spec);
            if (spec.Kind == PostRuleKind.Override)
            {
                var mask = RuleEvaluator.Evaluate(rule!.When, inputs, where, "the request");
                var outcome = Outcome(rule, predictions, where);
                for (var i = 0; i < mask.Length; i++)
                {
                    if (!mask[i] || overridden[i]) continue;
                    overridden[i] = true;
                    var before = regression ? Num(values![i]) : Label(predictions.Classes, probabilities![i]);
                    if (regression) values![i] = outcome;
                    else probabilities![i] = OneHot(predictions.Classes.Count, (int)outcome);
                    var after = regression ? Num(values![i]) : predictions.Classes[(int)outcome];
                    if (before != after) changes.Add(new AnswerChange(i, spec.Text, before, after));
                }
                continue;
            }
            if (!regression)
                throw new KeelInputException($"{where}: {spec.Kind.ToString().ToLowerInvariant()} applies to regression models; this model is {predictions.Task.ToString().ToLowerInvariant()}");
            for (var i = 0; i < values!.Length; i++)
            {
                var v = values[i];
                var w = spec.Kind == PostRuleKind.Clamp ? Math.Clamp(v, spec.Min ?? double.NegativeInfinity, spec.Max ?? double.PositiveInfinity) : v * spec.Factor + spec.Offset;
                if (w.Equals(v)) continue;
                values[i] = w;
                changes.Add(new AnswerChange(i, spec.Text, Num(v), Num(w)));
            }
        }
        return new PostProcessed(predictions with { Values = values, Probabilities = probabilities }, changes);
    }

    private static double Outcome(Rule rule, Predictions p, string where)
    {
        if (p.Task == TaskKind.Regression)
            return double.TryParse(rule.Outcome, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v : throw new KeelInputException($"{where}: expected a number after '->' for a regression model, got '{rule.Outcome}'");
        var k = p.Classes.ToList().IndexOf(rule.Outcome);
        return k >= 0 ? k : throw new KeelInputException($"{where}: outcome '{rule.Outcome}' is not a class of the model; expected one of {string.Join(", ", p.Classes)}");
    }

    private static string Where(string source, PostRuleSpec r) => $"{source} line {r.Line}, post_processing rule '{r.Text}'";

    private static double[] OneHot(int n, int k)
    {
        var a = new double[n];
        a[k] = 1;
        return a;
    }

    private static string Label(IReadOnlyList<string> classes, double[] probabilities) =>
        classes[Array.IndexOf(probabilities, probabilities.Max())];

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Human in the loop: which answers go to review, by the deployment's mode and confidence threshold.</summary>
public static class ReviewRule
{
    /// <summary>
    /// Whether an answer with <paramref name="confidence"/> needs review: always in shadow and assist modes, never in full mode, and in partial
    /// mode when the confidence is under <paramref name="belowConfidence"/> (NaN confidence, e.g. regression, is never "under").
    /// </summary>
    public static bool NeedsReview(DeploymentMode mode, double? belowConfidence, double confidence) => mode switch
    {
        DeploymentMode.Shadow or DeploymentMode.Assist => true,
        DeploymentMode.Partial => belowConfidence is { } t && confidence < t,
        _ => false,
    };

    /// <summary>Each row's confidence: its highest class probability (classification), NaN for regression.</summary>
    public static double[] Confidences(Predictions predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        return predictions.Probabilities is { } p ? p.Select(r => r.Max()).ToArray() : Enumerable.Repeat(double.NaN, predictions.Count).ToArray();
    }
}
