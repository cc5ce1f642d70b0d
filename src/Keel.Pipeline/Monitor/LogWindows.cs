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
    /// <summary>Most logged requests read in one pass: the newest that many of the range.</summary>
    public const int MaxRequests = 5_000_000;

    /// <summary>How many requests are read between two progress reports.</summary>
    public const int ProgressEvery = 250_000;

    /// <summary>The deployment's logged requests of [<paramref name="from"/>, <paramref name="to"/>) (of one <paramref name="arm"/> when
    /// named) as current data; <paramref name="progress"/> hears the count read every <see cref="ProgressEvery"/> requests.</summary>
    public static async Task<CurrentData> ReadAsync(KeelStore store, string deployment, ReferenceProfile? reference, WindowSpec? spec,
        DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct, int maxRequests = MaxRequests, IProgress<long>? progress = null, string? arm = null)
    {
        var d = await store.Deployments.GetAsync(deployment, ct)
            ?? throw new KeelNotFoundException($"--deployment '{deployment}': no such deployment; `keel deployments list` shows them.");
        await using var log = await PredictionLogStores.OpenIfExistsAsync(store, ct)
            ?? throw new KeelInputException($"--deployment '{deployment}': no prediction log in {PredictionLogStores.Describe(store)}; `keel serve` writes it.");
        // The requests this deployment served, not another deployment's nor `keel serve --model`'s of the same model. Shadow copies were
        // answered by the challenger and never returned: they are not the deployment's traffic, but they are the challenger's answers
        // (in a shadow rollout its only ones). Beyond the cap, the newest requests: monitoring is about what the model sees now.
        var query = PredictionQuery.Answered(d, arm) with { From = from, To = to, Limit = maxRequests, Newest = true };

        // One request at a time: its rows go into typed columns and only what the serving figures need of it is kept (the inputs
        // are not), so a day of a million requests is not held as a million JSON documents.
        var builder = new LogTable(reference);
        var requests = new List<LoggedPrediction>();
        var errors = new List<bool>();
        var requestOfRow = new List<int>();
        var times = new List<double>();
        await foreach (var record in log.ReadAsync(query, ct))
        {
            var p = record.Prediction;
            using (var inputs = JsonDocument.Parse(p.InputsJson))
            using (var outputs = JsonDocument.Parse(p.OutputsJson))
            {
                var answers = outputs.RootElement;
                var error = answers.ValueKind != JsonValueKind.Array;
                var k = 0;
                foreach (var row in inputs.RootElement.EnumerateArray())
                {
                    builder.Add(row, error || k >= answers.GetArrayLength() ? null : answers[k]);
                    requestOfRow.Add(requests.Count);
                    times.Add(p.Time.ToUnixTimeSeconds());
                    k++;
                }
                errors.Add(error);
            }
            requests.Add(record with { Prediction = p with { InputsJson = "" } });
            if (requests.Count % ProgressEvery == 0) progress?.Report(requests.Count);
        }
        var timed = new Table([.. builder.Build().Columns, new NumericColumn(TimeColumn, [.. times], ColumnType.DateTime)]);
        // A window of N rows takes whole requests: a request cut in two would count its latency, and its feedback, in both.
        var windows = Windowing.Split(timed, spec, TimeColumn, r => requestOfRow[r] != requestOfRow[r - 1]);
        void Serving(DataWindow w, WindowFigures figures)
        {
            var inWindow = w.Rows.Select(r => requestOfRow[r]).Distinct().ToArray();
            SoftwareMetrics.Add(figures, inWindow.Select(q => requests[q].Prediction.LatencyMs).ToArray(), inWindow.Count(q => errors[q]));
            // Performance from /feedback outcomes joined by request id; CBPE estimates from every answered request.
            var answered = inWindow.Where(q => !errors[q]).Select(q => requests[q]).ToArray();
            var labelled = FeedbackJoin.Join(answered);
            WindowPerformanceFigures.Add(figures, labelled.Count > 0 ? labelled : null, FeedbackJoin.AllPredictions(answered));
        }
        var read = $"{requests.Count:N0} request{(requests.Count == 1 ? "" : "s")}, {times.Count:N0} row{(times.Count == 1 ? "" : "s")}";
        // During a rollout two versions answer: say which answered how many, since the answers' figures mix them.
        var answeredBy = requests.CountBy(r => (r.Prediction.Model, r.Prediction.Version, r.Prediction.Arm))
            .OrderBy(g => g.Key.Arm == "champion" ? 0 : 1).ThenBy(g => g.Key.Arm, StringComparer.Ordinal).ThenBy(g => g.Key.Model, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Version).ToArray();
        if (answeredBy.Length > 1)
            read += "; answered by " + string.Join(", ", answeredBy.Select(g => $"{g.Key.Model}:{g.Key.Version} ({g.Key.Arm}) {g.Value:N0}"));
        var of = arm is null ? "" : $", arm {arm}";
        // Output drift and realised performance of answers from several versions are a blend, judged against one version's reference.
        var versions = answeredBy.Select(g => (g.Key.Model, g.Key.Version)).Distinct().Count();
        var mixed = versions > 1 && reference is not null
            ? $"the answers of {versions} model versions are in these windows, so their output drift (against one version's reference) and performance mix them; --arm champion or --arm challenger judges one arm's answers"
            : null;
        var leftOut = requests.Count == maxRequests && await log.ReadLatenciesAsync(query with { To = requests[0].Prediction.Time, Limit = 1, Newest = false }, ct).AnyAsync(ct);
        return new CurrentData(timed, windows, Serving, leftOut
            ? $"prediction log of deployment {deployment}{of} (its newest {read}; the older requests of the range were left out: name a shorter one with --from and --to)"
            : $"prediction log of deployment {deployment}{of} ({read})", mixed);
    }

    /// <summary>The name given to the request time column (ignored by the comparison).</summary>
    public const string TimeColumn = "__request_time";

    /// <summary>The logged rows as columns, built a row at a time: inputs by name in first-seen order (a row without a column is
    /// missing there), then the model's answers (the predicted class and the positive class's score, or the predicted value).</summary>
    private sealed class LogTable(ReferenceProfile? reference)
    {
        private readonly List<string> _names = [];
        private readonly Dictionary<string, Values> _columns = new(StringComparer.Ordinal);
        private readonly List<string?> _labels = [];
        private readonly List<double> _scores = [];
        private readonly List<double> _values = [];
        private bool _anyClass, _anyValue;
        private int _rows;

        public void Add(JsonElement input, JsonElement? output)
        {
            foreach (var p in input.EnumerateObject())
            {
                if (!_columns.TryGetValue(p.Name, out var column))
                {
                    _names.Add(p.Name);
                    _columns[p.Name] = column = new Values(reference?.Find(p.Name), _rows);
                }
                column.Add(p.Value, _rows);
            }
            _rows++;
            foreach (var column in _columns.Values) column.PadTo(_rows);
            var positive = reference?.PositiveClass;
            // A deployment logs a regression value as {"value": v, ...} (its answers carry notes), elsewhere as a number.
            var classifier = output is { } a && LoggedAnswer.IsClassifier(a);
            _anyClass |= classifier;
            _anyValue |= output is { } b && LoggedAnswer.IsValue(b);
            _labels.Add(output is { } answer ? LoggedAnswer.Label(answer) : null);
            _scores.Add(classifier && positive is not null && output!.Value.TryGetProperty("probabilities", out var ps) && ps.TryGetProperty(positive, out var s)
                ? s.GetDouble() : double.NaN);
            _values.Add(output is { } v ? LoggedAnswer.Value(v) : double.NaN);
        }

        public Table Build()
        {
            var columns = _names.Select(n => _columns[n].ToColumn(n)).ToList();
            if (_anyClass)
            {
                columns.Add(new StringColumn(OutputColumns.Predicted, [.. _labels]));
                if (reference?.PositiveClass is not null) columns.Add(new NumericColumn(OutputColumns.Score, [.. _scores]));
            }
            else if (_anyValue)
                columns.Add(new NumericColumn(OutputColumns.Predicted, [.. _values]));
            return new Table(columns, _rows);
        }
    }

    /// <summary>One input column's values: numbers when the reference profiles it as numeric, text when as categorical, times when it
    /// was a date-time column (logged as the request sent them, ISO-8601 text), and for a column the reference does not know both
    /// until the end, which decides by whether every value was a number (or null).</summary>
    private sealed class Values
    {
        private readonly List<double>? _numbers;
        private readonly List<string?>? _texts;
        private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);
        private readonly bool _time;
        private bool _allNumbers = true, _allTimes = true;

        public Values(ColumnReference? reference, int missingBefore)
        {
            var kind = reference?.Kind;
            _time = reference?.Type == "datetime";
            if (kind is null or ColumnKind.Numeric || _time) _numbers = [];
            if (kind is not ColumnKind.Numeric) _texts = [];
            PadTo(missingBefore);
        }

        private int Count => _numbers?.Count ?? _texts!.Count;

        public void Add(JsonElement value, int row)
        {
            PadTo(row);
            if (Count > row)
            {
                // A name given twice in one object: the last value counts, as JsonElement.TryGetProperty reads it.
                _numbers?.RemoveAt(row);
                _texts?.RemoveAt(row);
            }
            _allNumbers &= value.ValueKind is JsonValueKind.Number or JsonValueKind.Null;
            if (_time)
            {
                var parsed = value.ValueKind == JsonValueKind.String && Keel.Data.TextFormats.TryParseDateTime(value.GetString()!, out var seconds) ? seconds : double.NaN;
                _allTimes &= value.ValueKind == JsonValueKind.Null || !double.IsNaN(parsed);
                _numbers!.Add(parsed);
            }
            else _numbers?.Add(Number(value));
            // Category values repeat: one string instance per distinct value.
            _texts?.Add(Text(value) is { } t ? _shared.TryGetValue(t, out var one) ? one : _shared.Count < 100_000 ? _shared[t] = t : t : null);
        }

        public void PadTo(int rows)
        {
            while (Count < rows)
            {
                _numbers?.Add(double.NaN);
                _texts?.Add(null);
            }
        }

        // Numbers only: profiled numeric; both: not profiled, numeric when every value was; a date-time column as times when every
        // value read as one, else as its text (a schema change the comparison reports).
        public Column ToColumn(string name) =>
            _time ? _allTimes ? new NumericColumn(name, [.. _numbers!], ColumnType.DateTime) : new StringColumn(name, [.. _texts!])
            : _numbers is not null && (_texts is null || _allNumbers) ? new NumericColumn(name, [.. _numbers])
            : new StringColumn(name, [.. _texts!]);
    }

    private static double Number(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) => x,
        _ => double.NaN,
    };

    private static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.GetRawText(),
    };
}
