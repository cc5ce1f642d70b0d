using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core;
using Keel.Core.PredictionLog;
using Keel.Data;
using Keel.Monitoring.Performance;
using Keel.Pipeline.Predict;
using Keel.Tracking;
using Keel.Tracking.PredictionLog;

namespace Keel.Pipeline.Monitor;

/// <summary>What <c>keel deployments export</c> writes.</summary>
public sealed record LogExportRequest
{
    /// <summary>The deployment whose logged requests are written.</summary>
    public required string Deployment { get; init; }

    /// <summary>The file to write: .csv or .jsonl.</summary>
    public required string Output { get; init; }

    /// <summary>Only requests at or after this time. Default null: from the first.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only requests before this time. Default null: to the last.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only the requests one arm answered (champion or challenger). Default null: every request the deployment answered.</summary>
    public string? Arm { get; init; }

    /// <summary>Which rows: those with an outcome, those without (a pool for active learning), or all. Default labelled.</summary>
    public ExportedRows Rows { get; init; } = ExportedRows.Labelled;

    /// <summary>The label column's name. Default null: the label column of the training run of the model the deployment serves.</summary>
    public string? Label { get; init; }

    /// <summary>A column to write each row's request time into (ISO 8601, UTC). Default null: none.</summary>
    public string? TimeColumn { get; init; }
}

/// <summary>Which logged rows an export writes.</summary>
public enum ExportedRows
{
    /// <summary>Rows with an outcome.</summary>
    Labelled,
    /// <summary>Rows without one (their label empty): the pool `keel label suggest` picks from.</summary>
    Unlabelled,
    /// <summary>Every row.</summary>
    All,
}

/// <summary>What was written.</summary>
/// <param name="Path">The file.</param>
/// <param name="Requests">Logged requests read.</param>
/// <param name="Rows">Rows written.</param>
/// <param name="Labelled">Rows written with an outcome.</param>
/// <param name="Label">The label column.</param>
public sealed record LogExportResult(string Path, long Requests, long Rows, long Labelled, string Label);

/// <summary>
/// A deployment's logged requests joined with their feedback, written as a labelled table: the inputs as the callers sent them, the outcome
/// as the label (the model's class name, or the number), and optionally the request time: production data with its natural labels, for
/// <c>keel retrain</c> (<c>retrain.window.files</c>), <c>keel run</c> or a person.
/// </summary>
public static class LogExport
{
    /// <summary>Writes the file whole (or leaves what was there); a failure names the request.</summary>
    /// <exception cref="KeelInputException">An unknown format, no prediction log, a label name the inputs already use, a bad outcome.</exception>
    /// <exception cref="KeelNotFoundException">No such deployment.</exception>
    public static async Task<LogExportResult> RunAsync(KeelStore store, LogExportRequest r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(r);
        var name = Path.GetFileName(r.Output);
        var csv = Path.GetExtension(r.Output).ToLowerInvariant() switch
        {
            ".csv" => true,
            ".jsonl" or ".ndjson" => false,
            var ext => throw new KeelInputException($"--output {name}: cannot tell the format from '{ext}'; expected .csv or .jsonl."),
        };
        if (Directory.Exists(r.Output)) throw new KeelInputException($"--output {name}: a folder; expected a file path such as {Path.Combine(name, "labelled.csv")}.");
        var d = await store.Deployments.GetAsync(r.Deployment, ct)
            ?? throw new KeelNotFoundException($"deployment '{r.Deployment}' does not exist; `keel deployments list` shows them.");
        var label = r.Label ?? await LabelOfAsync(store, d, ct);
        if (label == r.TimeColumn) throw new KeelInputException($"--time-column {r.TimeColumn}: the label column has that name; name another.");
        await using var log = await PredictionLogStores.OpenIfExistsAsync(store, ct)
            ?? throw new KeelInputException($"deployment '{r.Deployment}': no prediction log in {PredictionLogStores.Describe(store)}; `keel serve` writes it.");
        // Up to now when no end is named: the server's appends during the export would otherwise reach the second pass but not the first.
        var query = PredictionQuery.Answered(d, r.Arm) with
        {
            From = r.From, To = r.To ?? store.Options.Time.GetUtcNow(), Limit = int.MaxValue, WithFeedback = r.Rows == ExportedRows.Labelled,
        };

        // A CSV header needs every column first: one pass names them (inputs in first-seen order), a second writes.
        var columns = new List<string>();
        if (csv)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var (input, _, _) in RowsAsync(log, query, r.Rows, ct))
            {
                foreach (var p in input.EnumerateObject())
                {
                    if (seen.Add(p.Name)) columns.Add(p.Name);
                }
            }
            Check(columns, label, r.TimeColumn);
            columns.Add(label);
            if (r.TimeColumn is { } t) columns.Add(t);
        }
        long requests = 0, rows = 0, labelled = 0;
        await OutputFiles.WriteWholeAsync(r.Output, async temp =>
        {
            await using var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 16);
            if (csv) await writer.WriteAsync(string.Join(",", columns.Select(c => TextFormats.QuoteField(c, ','))) + "\n");
            var last = "";
            await foreach (var (input, outcome, record) in RowsAsync(log, query, r.Rows, ct))
            {
                if (record.Prediction.RequestId != last) (last, requests) = (record.Prediction.RequestId, requests + 1);
                rows++;
                if (outcome is not null) labelled++;
                var time = record.Prediction.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                await writer.WriteAsync(csv ? CsvLine(columns, input, label, outcome, r.TimeColumn, time) : JsonLine(input, label, outcome, r.TimeColumn, time));
            }
        }, reason => $"--output {name}: cannot write it ({reason}).", makeFolder: true);
        return new LogExportResult(Path.GetFullPath(r.Output), requests, rows, labelled, label);
    }

    /// <summary>The label column the serving model was trained on (its run's <c>data.label</c>).</summary>
    private static async Task<string> LabelOfAsync(KeelStore store, Keel.Core.Deployments.Deployment d, CancellationToken ct)
    {
        var version = await ModelLoader.ResolveAsync(store.Registry, ModelReference.Parse(d.Serving), ct);
        var run = await store.Tracking.GetRunAsync(version.SourceRunId, ct);
        return run?.Params.GetValueOrDefault("data.label")
            ?? throw new KeelInputException($"model {version.Name}:{version.Version} does not record its label column; give --label COLUMN.");
    }

    private static void Check(IReadOnlyCollection<string> inputs, string label, string? time)
    {
        if (inputs.Contains(label))
            throw new KeelInputException($"--label {label}: the logged requests already have a field of that name; name the outcome column another way with --label.");
        if (time is not null && inputs.Contains(time))
            throw new KeelInputException($"--time-column {time}: the logged requests already have a field of that name; leave the option out or name another.");
    }

    /// <summary>Each logged row of the query's requests (answered ones only: an error answered nothing) with its outcome, labelled rows
    /// or unlabelled ones as <paramref name="which"/> says.</summary>
    private static async IAsyncEnumerable<(JsonElement Input, object? Outcome, LoggedPrediction Record)> RowsAsync(IPredictionLogStore log, PredictionQuery query,
        ExportedRows which, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var record in log.ReadAsync(query, ct))
        {
            if (!record.Prediction.OutputsJson.StartsWith('[')) continue;
            var outcomes = FeedbackJoin.Outcomes(record);
            if (outcomes is null && which == ExportedRows.Labelled) continue;
            using var inputs = JsonDocument.Parse(record.Prediction.InputsJson);
            var k = 0;
            foreach (var input in inputs.RootElement.EnumerateArray())
            {
                var outcome = outcomes is not null && k < outcomes.Length ? outcomes[k] : null;
                k++;
                if (which != ExportedRows.All && (outcome is null) != (which == ExportedRows.Unlabelled)) continue;
                yield return (input, outcome, record);
            }
        }
    }

    private static string CsvLine(List<string> columns, JsonElement input, string label, object? outcome, string? timeColumn, string time)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0) sb.Append(',');
            var c = columns[i];
            // The inputs hold neither name (checked before the header was written).
            if (c == label) sb.Append(Text(outcome));
            else if (c == timeColumn) sb.Append(time);
            else if (input.TryGetProperty(c, out var v)) sb.Append(v.ValueKind switch
            {
                JsonValueKind.Null => "",
                JsonValueKind.String => TextFormats.QuoteField(v.GetString()!, ','),
                JsonValueKind.Object or JsonValueKind.Array => TextFormats.QuoteField(v.GetRawText(), ','),
                _ => v.GetRawText(),
            });
        }
        return sb.Append('\n').ToString();
    }

    private static string JsonLine(JsonElement input, string label, object? outcome, string? timeColumn, string time)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in input.EnumerateObject()) row[p.Name] = p.Value.Clone();
        Check(row.Keys, label, timeColumn);
        row[label] = outcome;
        if (timeColumn is not null) row[timeColumn] = time;
        return JsonSerializer.Serialize(row) + "\n";
    }

    private static string Text(object? outcome) => outcome switch
    {
        null => "",
        double v => v.ToString("R", CultureInfo.InvariantCulture),
        var s => TextFormats.QuoteField(Convert.ToString(s, CultureInfo.InvariantCulture)!, ','),
    };
}
