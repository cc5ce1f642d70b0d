using System.Globalization;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.PredictionLog;
using Keel.Monitoring;
using Keel.Monitoring.Performance;
using Keel.Monitoring.Reference;
using Keel.Pipeline.Predict;
using Keel.Tracking;
using Keel.Tracking.PredictionLog;

namespace Keel.Pipeline.Monitor;

/// <summary>A deployment's prediction log as current data: one row per predicted row (inputs and the model's answers),
/// windows by request time, and per window the serving figures of its requests.</summary>
internal static class LogWindows
{
    /// <summary>Most logged requests read in one pass.</summary>
    private const int MaxRequests = 5_000_000;

    public static async Task<CurrentData> ReadAsync(KeelStore store, string deployment, ReferenceProfile? reference, WindowSpec? spec,
        DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var d = await store.Deployments.GetAsync(deployment, ct)
            ?? throw new KeelNotFoundException($"--deployment '{deployment}': no such deployment; `keel deployments list` shows them.");
        var model = ModelReference.Parse(d.Champion).Name;
        await using var log = await PredictionLogStores.OpenIfExistsAsync(store, ct)
            ?? throw new KeelInputException($"--deployment '{deployment}': no prediction log in {PredictionLogStores.Describe(store)}; `keel serve` writes it.");
        // Shadow copies were answered by the challenger and never returned: they are not the deployment's traffic, even when the
        // challenger is another version of the champion's model.
        var records = await log.ListAsync(new PredictionQuery { Model = model, From = from, To = to, ExcludeArm = PredictionRecord.ShadowArm, Limit = MaxRequests }, ct);

        var rows = new List<(int Request, JsonElement Input, JsonElement? Output)>();
        var requestOfRow = new List<int>();
        var errors = new bool[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            using var inputs = JsonDocument.Parse(records[i].Prediction.InputsJson);
            var outputs = JsonDocument.Parse(records[i].Prediction.OutputsJson).RootElement;
            errors[i] = outputs.ValueKind != JsonValueKind.Array;
            var k = 0;
            foreach (var row in inputs.RootElement.EnumerateArray())
            {
                JsonElement? output = errors[i] || k >= outputs.GetArrayLength() ? null : outputs[k].Clone();
                rows.Add((i, row.Clone(), output));
                k++;
            }
        }
        var table = ToTable(rows, reference);
        var times = rows.Select(r => (double)records[r.Request].Prediction.Time.ToUnixTimeSeconds()).ToArray();
        var timed = new Table([.. table.Columns, new NumericColumn(TimeColumn, times, ColumnType.DateTime)]);
        // A window of N rows takes whole requests: a request cut in two would count its latency, and its feedback, in both.
        var windows = Windowing.Split(timed, spec, TimeColumn, r => rows[r].Request != rows[r - 1].Request);
        void Serving(DataWindow w, WindowFigures figures)
        {
            var requests = w.Rows.Select(r => rows[r].Request).Distinct().ToArray();
            SoftwareMetrics.Add(figures, requests.Select(q => records[q].Prediction.LatencyMs).ToArray(), requests.Count(q => errors[q]));
            // Performance from /feedback outcomes joined by request id; CBPE estimates from every answered request.
            var answered = requests.Where(q => !errors[q]).Select(q => records[q]).ToArray();
            var labelled = FeedbackJoin.Join(answered);
            WindowPerformanceFigures.Add(figures, labelled.Count > 0 ? labelled : null, FeedbackJoin.AllPredictions(answered));
        }
        return new CurrentData(timed, windows, Serving, $"prediction log of deployment {deployment} ({records.Count:N0} requests, {rows.Count:N0} rows)");
    }

    /// <summary>The name given to the request time column (ignored by the comparison).</summary>
    public const string TimeColumn = "__request_time";

    private static Table ToTable(List<(int Request, JsonElement Input, JsonElement? Output)> rows, ReferenceProfile? reference)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, input, _) in rows)
            foreach (var p in input.EnumerateObject())
                if (seen.Add(p.Name)) names.Add(p.Name);
        var columns = new List<Column>();
        foreach (var name in names)
        {
            var numeric = reference?.Find(name)?.Kind == ColumnKind.Numeric
                || (reference?.Find(name) is null && rows.All(r => !r.Input.TryGetProperty(name, out var v) || v.ValueKind is JsonValueKind.Number or JsonValueKind.Null));
            columns.Add(numeric
                ? new NumericColumn(name, rows.Select(r => Number(r.Input, name)).ToArray())
                : new StringColumn(name, rows.Select(r => Text(r.Input, name)).ToArray()));
        }
        var positive = reference?.PositiveClass;
        if (rows.Any(r => r.Output is { ValueKind: JsonValueKind.Object }))
        {
            columns.Add(new StringColumn(OutputColumns.Predicted, rows.Select(r => r.Output is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("label", out var l) ? l.GetString() : null).ToArray()));
            if (positive is not null)
                columns.Add(new NumericColumn(OutputColumns.Score, rows.Select(r =>
                    r.Output is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("probabilities", out var p) && p.TryGetProperty(positive, out var s) ? s.GetDouble() : double.NaN).ToArray()));
        }
        else if (rows.Any(r => r.Output is { ValueKind: JsonValueKind.Number }))
            columns.Add(new NumericColumn(OutputColumns.Predicted, rows.Select(r => r.Output is { ValueKind: JsonValueKind.Number } o ? o.GetDouble() : double.NaN).ToArray()));
        return new Table(columns);
    }

    private static double Number(JsonElement row, string name) => !row.TryGetProperty(name, out var v) ? double.NaN : v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) => x,
        _ => double.NaN,
    };

    private static string? Text(JsonElement row, string name) => !row.TryGetProperty(name, out var v) ? null : v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.GetRawText(),
    };
}
