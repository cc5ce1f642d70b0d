using System.Globalization;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.PredictionLog;

namespace Keel.Monitoring.Performance;

/// <summary>Joins logged predictions with their /feedback outcomes by request id (natural labels arriving late).</summary>
/// <remarks>The latest outcome of a request wins (a correction replaces the first answer). A one-row request takes a scalar outcome; a
/// request of n rows takes a JSON array of n outcomes, null for a row without one. Rows without feedback are counted as unlabelled.</remarks>
public static class FeedbackJoin
{
    /// <summary>The labelled rows of <paramref name="logged"/>, in log order.</summary>
    /// <exception cref="KeelInputException">An outcome that is not one of the model's classes, not a number for regression, or whose
    /// count differs from the rows of its request (the message names the request id).</exception>
    public static LabelledPredictions Join(IReadOnlyList<LoggedPrediction> logged)
    {
        ArgumentNullException.ThrowIfNull(logged);
        IReadOnlyList<string>? classes = null;
        var probabilities = new List<double[]>();
        var values = new List<double>();
        var truthClasses = new List<int>();
        var truthValues = new List<double>();
        var times = new List<DateTimeOffset>();
        var unlabelled = 0;
        foreach (var (prediction, feedback) in logged)
        {
            if (feedback.Count == 0)
            {
                unlabelled += prediction.Rows;
                continue;
            }
            var where = $"prediction log request '{prediction.RequestId}'";
            using var outputs = JsonDocument.Parse(prediction.OutputsJson);
            using var outcome = JsonDocument.Parse(feedback[^1].OutcomeJson);
            var answers = outputs.RootElement.EnumerateArray().ToArray();
            var truths = outcome.RootElement.ValueKind == JsonValueKind.Array ? outcome.RootElement.EnumerateArray().ToArray() : [outcome.RootElement];
            if (truths.Length != answers.Length)
                throw new KeelInputException($"{where}: its feedback holds {truths.Length} outcome(s) but the request predicted {answers.Length} row(s); expected one outcome per row (a JSON array for a request of several rows).");
            for (var r = 0; r < answers.Length; r++)
            {
                if (truths[r].ValueKind == JsonValueKind.Null)
                {
                    // A row of the request without an outcome (e.g. a reviewer labelled the other rows).
                    unlabelled++;
                    continue;
                }
                var answer = answers[r];
                if (LoggedAnswer.IsClassifier(answer))
                {
                    var row = Probabilities(answer, where);
                    classes ??= row.Select(p => p.Name).ToArray();
                    probabilities.Add(row.Select(p => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : double.NaN).ToArray());
                    var name = OutcomeText(truths[r]);
                    var index = ClassNames.IndexOf(classes, name);
                    if (index < 0)
                        throw new KeelInputException($"{where}: outcome '{name}' is not one of the model's classes; expected one of: {string.Join(", ", classes)}.");
                    truthClasses.Add(index);
                }
                else
                {
                    values.Add(LoggedAnswer.Value(answer));
                    truthValues.Add(truths[r].ValueKind == JsonValueKind.Number ? truths[r].GetDouble()
                        : double.TryParse(OutcomeText(truths[r]), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                        : throw new KeelInputException($"{where}: outcome {truths[r].GetRawText()} is not a number; the model is a regression model."));
                }
                times.Add(prediction.Time);
            }
        }
        if (classes is not null)
        {
            var task = classes.Count == 2 ? TaskKind.Binary : TaskKind.Multiclass;
            return new LabelledPredictions(
                new EncodedLabels { Task = task, Classes = classes, ClassIndices = [.. truthClasses] },
                new Predictions { Task = task, Classes = classes, Probabilities = [.. probabilities] }, times, unlabelled);
        }
        return new LabelledPredictions(
            new EncodedLabels { Task = TaskKind.Regression, Values = [.. truthValues] },
            new Predictions { Task = TaskKind.Regression, Values = [.. values] }, times, unlabelled);
    }

    /// <summary>The outcome of each row of one logged request as a value of a labelled table: the model's class name (classification,
    /// matched as <see cref="Join"/> matches it) or the number (regression); null for a row without one. Null when the request has no
    /// feedback.</summary>
    /// <exception cref="KeelInputException">As <see cref="Join"/>: an outcome the model cannot have, or one count of outcomes for another
    /// of rows.</exception>
    public static object?[]? Outcomes(LoggedPrediction logged)
    {
        ArgumentNullException.ThrowIfNull(logged);
        if (logged.Feedback.Count == 0) return null;
        var labelled = Join([logged]);
        using var outcome = JsonDocument.Parse(logged.Feedback[^1].OutcomeJson);
        var truths = outcome.RootElement.ValueKind == JsonValueKind.Array ? outcome.RootElement.EnumerateArray().ToArray() : [outcome.RootElement];
        var rows = new object?[truths.Length];
        for (int r = 0, k = 0; r < rows.Length; r++)
        {
            if (truths[r].ValueKind == JsonValueKind.Null) continue;
            rows[r] = labelled.Truth.ClassIndices is { } classes ? labelled.Truth.Classes[classes[k]] : labelled.Truth.Values![k];
            k++;
        }
        return rows;
    }

    /// <summary>Every logged prediction, labelled or not, in log order (what CBPE estimates from before labels come).</summary>
    public static Predictions AllPredictions(IReadOnlyList<LoggedPrediction> logged)
    {
        ArgumentNullException.ThrowIfNull(logged);
        IReadOnlyList<string>? classes = null;
        var probabilities = new List<double[]>();
        var values = new List<double>();
        foreach (var (prediction, _) in logged)
        {
            using var outputs = JsonDocument.Parse(prediction.OutputsJson);
            foreach (var answer in outputs.RootElement.EnumerateArray())
            {
                if (LoggedAnswer.IsClassifier(answer))
                {
                    var row = Probabilities(answer, $"prediction log request '{prediction.RequestId}'");
                    classes ??= row.Select(p => p.Name).ToArray();
                    probabilities.Add(row.Select(p => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : double.NaN).ToArray());
                }
                else values.Add(LoggedAnswer.Value(answer));
            }
        }
        if (classes is null) return new Predictions { Task = TaskKind.Regression, Values = [.. values] };
        var task = classes.Count == 2 ? TaskKind.Binary : TaskKind.Multiclass;
        return new Predictions { Task = task, Classes = classes, Probabilities = [.. probabilities] };
    }

    /// <summary>A classifier's logged answer's class probabilities, in the order logged.</summary>
    /// <exception cref="KeelInputException">The answer has no "probabilities" object (not an answer Keel's server writes).</exception>
    private static JsonProperty[] Probabilities(JsonElement answer, string where) =>
        answer.TryGetProperty("probabilities", out var p) && p.ValueKind == JsonValueKind.Object ? p.EnumerateObject().ToArray()
            : throw new KeelInputException($"{where}: the logged answer {answer.GetRawText()} has no \"probabilities\" object; expected a classifier's answer as keel serve logs it ({{\"label\": …, \"probabilities\": {{class: p, …}}}}), a number or {{\"value\": number}}.");

    private static string OutcomeText(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => e.GetRawText(),
    };
}
