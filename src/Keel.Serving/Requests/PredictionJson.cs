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
    public static void WritePredictions(Utf8JsonWriter w, Predictions p)
    {
        w.WriteStartArray();
        if (p.Probabilities is { } probabilities)
        {
            var predicted = p.PredictedClassIndices();
            for (var r = 0; r < probabilities.Length; r++)
            {
                w.WriteStartObject();
                w.WriteString("label", p.Classes[predicted[r]]);
                w.WriteStartObject("probabilities");
                for (var k = 0; k < p.Classes.Count; k++) w.WriteNumber(p.Classes[k], probabilities[r][k]);
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }
        else
        {
            foreach (var v in p.Values!) WriteNumber(w, v);
        }
        w.WriteEndArray();
    }

    /// <summary>The rows as an array of objects over the schema columns; missing values are null.</summary>
    public static void WriteRows(Utf8JsonWriter w, Table table)
    {
        w.WriteStartArray();
        for (var r = 0; r < table.RowCount; r++)
        {
            w.WriteStartObject();
            foreach (var c in table.Columns)
            {
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
        w.WriteEndArray();
    }

    /// <summary>A JSON number, or null for NaN and infinities (JSON has neither).</summary>
    public static void WriteNumber(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteNullValue();
    }
}
