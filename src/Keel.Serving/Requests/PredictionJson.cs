using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Serving.Requests;

/// <summary>Writes predictions and inputs as JSON: the response bodies and the prediction log use the same shapes.</summary>
internal static class PredictionJson
{
    /// <summary>Writer options for every body the server writes: quotes and non-ASCII letters stay readable in messages and labels.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The predictions array: per row {"label", "probabilities": {class: p}} for classifiers, a number for regression.</summary>
    public static void WritePredictions(Utf8JsonWriter w, Predictions p) => WritePredictions(w, p, null);

    /// <summary>
    /// The predictions array with a deployment's notes: classifier rows get "needs_review", "shadow" and "post_processing" when they apply;
    /// regression rows are objects {"value": v, ...} whenever <paramref name="notes"/> is given, so a row's shape does not depend on its notes.
    /// </summary>
    public static void WritePredictions(Utf8JsonWriter w, Predictions p, AnswerNotes? notes)
    {
        w.WriteStartArray();
        var predicted = p.Probabilities is null ? null : p.PredictedClassIndices();
        for (var r = 0; r < p.Count; r++) WriteAnswer(w, p, predicted, r, notes);
        w.WriteEndArray();
    }

    /// <summary>One row's answer (see <see cref="WritePredictions(Utf8JsonWriter, Predictions, AnswerNotes?)"/>); <paramref name="predicted"/> is null for regression.</summary>
    public static void WriteAnswer(Utf8JsonWriter w, Predictions p, int[]? predicted, int r, AnswerNotes? notes)
    {
        if (p.Probabilities is { } probabilities)
        {
            w.WriteStartObject();
            w.WriteString("label", p.Classes[predicted![r]]);
            w.WriteStartObject("probabilities");
            for (var k = 0; k < p.Classes.Count; k++) w.WriteNumber(p.Classes[k], probabilities[r][k]);
            w.WriteEndObject();
            WriteNotes(w, notes, r);
            w.WriteEndObject();
            return;
        }
        if (notes is null)
        {
            WriteNumber(w, p.Values![r]);
            return;
        }
        w.WriteStartObject();
        w.WritePropertyName("value");
        WriteNumber(w, p.Values![r]);
        WriteNotes(w, notes, r);
        w.WriteEndObject();
    }

    private static void WriteNotes(Utf8JsonWriter w, AnswerNotes? notes, int r)
    {
        if (notes is null) return;
        if (notes.NeedsReview[r]) w.WriteBoolean("needs_review", true);
        if (notes.Shadow) w.WriteBoolean("shadow", true);
        var first = true;
        foreach (var c in notes.Changes)
        {
            if (c.Row != r) continue;
            if (first) w.WriteStartArray("post_processing");
            first = false;
            w.WriteStartObject();
            w.WriteString("rule", c.Rule);
            w.WriteString("before", c.Before);
            w.WriteString("after", c.After);
            w.WriteEndObject();
        }
        if (!first) w.WriteEndArray();
    }

    /// <summary>The rows as an array of objects over the schema columns; missing values are null.</summary>
    public static void WriteRows(Utf8JsonWriter w, Table table) => WriteRows(w, table, 0, table.RowCount);

    /// <summary>Rows <paramref name="first"/>.. (<paramref name="count"/> of them) as an array of objects over the schema columns.</summary>
    public static void WriteRows(Utf8JsonWriter w, Table table, int first, int count)
    {
        w.WriteStartArray();
        for (var r = first; r < first + count; r++) WriteRow(w, table, r);
        w.WriteEndArray();
    }

    /// <summary>One row as an object over the schema columns; missing values are null.</summary>
    public static void WriteRow(Utf8JsonWriter w, Table table, int r)
    {
        w.WriteStartObject();
        var columns = table.Columns;
        // Indexed, not foreach: an interface enumerator is an allocation per logged request.
        for (var i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            w.WritePropertyName(c.Name);
            switch (c)
            {
                case NumericColumn n when n.Type == ColumnType.Numeric:
                    WriteNumber(w, n[r]);
                    break;
                case StringColumn s:
                    if (s[r] is { } v) w.WriteStringValue(v);
                    else w.WriteNullValue();
                    break;
                default:
                    if (c.IsMissing(r)) w.WriteNullValue();
                    else w.WriteStringValue(c.Format(r));
                    break;
            }
        }
        w.WriteEndObject();
    }

    /// <summary>What <paramref name="write"/> writes, as a string.</summary>
    public static string ToText(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions)) write(w);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A JSON number, or null for NaN and infinities (JSON has neither).</summary>
    public static void WriteNumber(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteNullValue();
    }
}

/// <summary>A deployment's notes on an answer: which rows were queued for review, whether the mode is shadow, and what post-processing changed.</summary>
/// <param name="NeedsReview">Per row: queued for a person.</param>
/// <param name="Shadow">The deployment is in shadow mode: the answer is logged for comparison and must not be acted on.</param>
/// <param name="Changes">Answers changed by post-processing rules.</param>
internal sealed record AnswerNotes(bool[] NeedsReview, bool Shadow, IReadOnlyList<Keel.Serving.Rollouts.AnswerChange> Changes);
