using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Monitoring.Performance;

/// <summary>Joins a predictions table with a labels table on a key column (a batch job's ids, or request ids exported elsewhere).</summary>
public static class KeyJoin
{
    /// <summary>The predicted rows whose key has a label, in prediction order; a key labelled twice keeps its last label.</summary>
    /// <param name="predictionKeys">Key per predicted row.</param>
    /// <param name="predictions">The predictions, aligned with <paramref name="predictionKeys"/>.</param>
    /// <param name="times">When each row was predicted (aligned), or null when the file has no time.</param>
    /// <param name="labelKeys">Key per labelled row.</param>
    /// <param name="labels">The true outcome per labelled row as text (a class name or a number), aligned with <paramref name="labelKeys"/>.</param>
    /// <param name="source">The labels file name, for messages.</param>
    /// <exception cref="KeelInputException">A label that is not one of the classes (or not a number for regression); names the file and row.</exception>
    public static LabelledPredictions Join(IReadOnlyList<string> predictionKeys, Predictions predictions, IReadOnlyList<DateTimeOffset>? times,
        IReadOnlyList<string> labelKeys, IReadOnlyList<string?> labels, string source)
    {
        ArgumentNullException.ThrowIfNull(predictionKeys);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(labelKeys);
        ArgumentNullException.ThrowIfNull(labels);
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < labelKeys.Count; i++)
        {
            if (labels[i] is not null) byKey[labelKeys[i]] = i;
        }
        var rows = new List<int>();
        var classes = new List<int>();
        var values = new List<double>();
        for (var r = 0; r < predictionKeys.Count; r++)
        {
            if (!byKey.TryGetValue(predictionKeys[r], out var at)) continue;
            var text = labels[at]!;
            if (predictions.Task == TaskKind.Regression)
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new KeelInputException($"{source} row {at + 1}: label '{text}' is not a number; the model is a regression model.");
                values.Add(v);
            }
            else
            {
                var c = ClassNames.IndexOf(predictions.Classes, text);
                if (c < 0)
                    throw new KeelInputException($"{source} row {at + 1}: label '{text}' is not one of the model's classes; expected one of: {string.Join(", ", predictions.Classes)}.");
                classes.Add(c);
            }
            rows.Add(r);
        }
        var truth = predictions.Task == TaskKind.Regression
            ? new EncodedLabels { Task = TaskKind.Regression, Values = [.. values] }
            : new EncodedLabels { Task = predictions.Task, Classes = predictions.Classes, ClassIndices = [.. classes] };
        var joinedTimes = times is null ? rows.Select(_ => DateTimeOffset.MinValue).ToArray() : rows.Select(r => times[r]).ToArray();
        return new LabelledPredictions(truth, predictions.Take(rows), joinedTimes, predictionKeys.Count - rows.Count);
    }
}
