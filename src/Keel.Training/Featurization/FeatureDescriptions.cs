using System.Globalization;
using Keel.Core.Data;

namespace Keel.Training.Featurization;

/// <summary>What the featurizer did to one input column (or cross): its transforms, output features and fitted statistics.</summary>
/// <param name="Column">The input column, or the cross "A*B".</param>
/// <param name="Type">The input type: numeric, boolean, datetime, categorical, text.</param>
/// <param name="Inputs">The input columns read: the column itself, or the two crossed columns.</param>
/// <param name="Transforms">The transforms in the order they apply, e.g. "impute median", "scale robust".</param>
/// <param name="Outputs">The output feature names.</param>
/// <param name="Statistics">Fitted statistics by name (fill, center, spread, bin edges, kept values, target prior, ...).</param>
public sealed record FeatureDescription(
    string Column,
    string Type,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Transforms,
    IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, double> Statistics);

/// <summary>Describes a fitted featurizer column by column, for the run report and <c>--json</c>.</summary>
public static class FeatureDescriptions
{
    /// <summary>One description per input column and cross of <paramref name="state"/>, in feature order.</summary>
    public static IReadOnlyList<FeatureDescription> Describe(FeaturizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Columns.Select(plan => Describe(state, plan)).ToArray();
    }

    private static FeatureDescription Describe(FeaturizerState state, ColumnPlan plan)
    {
        var steps = new List<string>();
        var stats = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (plan.Cross is { } cross) steps.Add($"cross {cross[0]} × {cross[1]} (values \"a|b\")");
        switch (plan.Type)
        {
            case ColumnType.Numeric or ColumnType.Boolean or ColumnType.DateTime:
                steps.Add($"impute {plan.Impute ?? "median"} ({(plan.Type == ColumnType.DateTime ? Time(plan.Fill) : Number(plan.Fill))})");
                stats["fill"] = plan.Fill;
                if (plan.MissingIndicator) steps.Add("missing indicator");
                if (plan.Type == ColumnType.Numeric && double.IsFinite(plan.Min))
                {
                    steps.Add("infinities to the train range");
                    stats["min"] = plan.Min;
                    stats["max"] = plan.Max;
                }
                if (plan.Type == ColumnType.DateTime) steps.Add($"date parts: {string.Join(", ", plan.DateParts ?? Featurizer.AllDateParts)}");
                if (plan.Scale is { } scale)
                {
                    steps.Add($"scale {scale}: (x − {Number(plan.Center)}) / {Number(plan.Spread)}");
                    stats["center"] = plan.Center;
                    stats["spread"] = plan.Spread;
                }
                if (plan.BinEdges is { } edges)
                {
                    steps.Add($"bins {plan.Bins}: {edges.Count + 1} bins, cut at {string.Join(", ", edges.Select(Number))}");
                    for (var i = 0; i < edges.Count; i++) stats[$"edge_{i + 1}"] = edges[i];
                }
                break;
            case ColumnType.Text:
                steps.Add($"word counts hashed into {plan.HashBuckets} buckets, L2-normalised");
                stats["buckets"] = plan.HashBuckets;
                break;
            default:
                if (plan.Target is { } target)
                {
                    steps.Add($"target encoding ({(target.Smoothing is { } m ? $"smoothing {Number(m)}" : "smoothing auto")}; training rows out-of-fold over {target.Folds} folds)");
                    for (var j = 0; j < target.Prior.Length; j++) stats[target.Prior.Length == 1 ? "prior" : $"prior_{target.Outputs[j]}"] = target.Prior[j];
                    stats["values"] = target.Values.Count;
                }
                else if (plan.Categories is { } categories)
                {
                    steps.Add($"one-hot: {categories.Count} values kept, the rest to __other, missing to __missing");
                    stats["kept_values"] = categories.Count;
                }
                else
                {
                    steps.Add($"hashed into {plan.HashBuckets} buckets, missing to __missing");
                    stats["buckets"] = plan.HashBuckets;
                }
                break;
        }
        if (state.Means is not null) steps.Add("standardised for the linear model");
        var outputs = state.FeatureNames.Skip(plan.Offset).Take(plan.Width).ToArray();
        return new FeatureDescription(plan.Name, plan.Type.ToString().ToLowerInvariant(), plan.Cross ?? [plan.Name], steps, outputs, stats);
    }

    private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>A date-time fill (Unix seconds) as the column's values are written, in UTC.</summary>
    private static string Time(double seconds) => double.IsFinite(seconds) ? NumericColumn.FormatTime(Math.Round(seconds)) : Number(seconds);
}
