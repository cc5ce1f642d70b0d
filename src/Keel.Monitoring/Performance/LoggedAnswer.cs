using System.Text.Json;

namespace Keel.Monitoring.Performance;

/// <summary>
/// One row's answer as the prediction log holds it: a classifier's <c>{"label", "probabilities", ...}</c>, or a regression value, which is a
/// number or, from a deployment (whose answers carry notes), <c>{"value": v, ...}</c>.
/// </summary>
public static class LoggedAnswer
{
    /// <summary>Whether <paramref name="answer"/> is a classifier's (an object without "value").</summary>
    public static bool IsClassifier(JsonElement answer) => answer.ValueKind == JsonValueKind.Object && !answer.TryGetProperty("value", out _);

    /// <summary>Whether <paramref name="answer"/> is a regression value (a number, or an object with "value").</summary>
    public static bool IsValue(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Number || (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("value", out _));

    /// <summary>A classifier's answered label; null for a regression answer or one without a label.</summary>
    public static string? Label(JsonElement answer) =>
        IsClassifier(answer) && answer.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;

    /// <summary>A regression answer's value; NaN where it is missing (null) or the answer is a classifier's.</summary>
    public static double Value(JsonElement answer) => answer.ValueKind switch
    {
        JsonValueKind.Number => answer.GetDouble(),
        JsonValueKind.Object when answer.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number => v.GetDouble(),
        _ => double.NaN,
    };
}
