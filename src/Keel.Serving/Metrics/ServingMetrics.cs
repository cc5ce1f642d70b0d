using Keel.Core.Data;
using Keel.Core.Models;
using Prometheus;

namespace Keel.Serving.Metrics;

/// <summary>The server's Prometheus metrics, in a registry of its own (several servers can live in one process, as in tests).</summary>
internal sealed class ServingMetrics
{
    private static readonly string[] RouteLabels = ["model", "version", "arm"];

    public ServingMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        // Process memory, CPU time, GC and thread counts.
        DotNetStats.Register(Registry);
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        Requests = f.CreateCounter("keel_requests_total", "Prediction requests answered, by model version, arm, endpoint and status code.",
            [.. RouteLabels, "endpoint", "code"]);
        Errors = f.CreateCounter("keel_request_errors_total", "Prediction requests refused or failed, by model version, arm and status code.",
            [.. RouteLabels, "code"]);
        Latency = f.CreateHistogram("keel_request_duration_seconds", "Server-side time to answer a prediction request (bind, predict, write).",
            new HistogramConfiguration { LabelNames = RouteLabels, Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16) });
        Rows = f.CreateCounter("keel_predicted_rows_total", "Rows predicted.", RouteLabels);
        Classes = f.CreateCounter("keel_predicted_class_total", "Predicted labels (classifiers).", [.. RouteLabels, "class"]);
        Scores = f.CreateHistogram("keel_prediction_score", "Classifiers: probability of the positive class (binary) or of the predicted class (multiclass).",
            new HistogramConfiguration { LabelNames = RouteLabels, Buckets = Histogram.LinearBuckets(0.1, 0.1, 10) });
        Values = f.CreateSummary("keel_prediction_value", "Regression: predicted values.",
            new SummaryConfiguration
            {
                LabelNames = RouteLabels,
                Objectives = [new QuantileEpsilonPair(0.05, 0.01), new QuantileEpsilonPair(0.5, 0.01), new QuantileEpsilonPair(0.95, 0.01)],
            });
        Missing = f.CreateCounter("keel_input_missing_values_total", "Missing (null or absent) input values, per input column.", ["model", "version", "column"]);
        InFlight = f.CreateGauge("keel_requests_in_flight", "Requests being answered now.");
        LogWritten = f.CreateCounter("keel_prediction_log_written_total", "Predictions written to the prediction log.");
        LogDropped = f.CreateCounter("keel_prediction_log_dropped_total", "Predictions not logged because the log queue was full (requests never wait for it).");
        LogFailed = f.CreateCounter("keel_prediction_log_failed_total", "Predictions lost because writing their batch failed.");
        LogQueue = f.CreateGauge("keel_prediction_log_queue", "Predictions waiting to be written.");
        Reloads = f.CreateCounter("keel_model_reloads_total", "Alias moves followed (new version loaded and swapped in).", ["model"]);
        ReloadFailures = f.CreateCounter("keel_model_reload_failures_total", "Alias moves that could not be loaded (the old version kept serving).", ["model"]);
        ShadowDropped = f.CreateCounter("keel_shadow_dropped_total", "Shadow copies not scored because the shadow queue was full (the answer never waits for them).");
        Served = f.CreateGauge("keel_model_version", "The version currently served per model (value = version).", ["model"]);
        Drift = f.CreateGauge("keel_drift", "The latest scheduled monitoring pass: each per-column figure, e.g. statistic=psi, column=amount.", ["column", "statistic"]);
        // Published from the first pass on, not as 0 before any pass ran.
        DriftShare = f.CreateGauge("keel_drift_share", "The latest scheduled monitoring pass: share of judged columns that drifted.",
            new GaugeConfiguration { SuppressInitialValue = true });
    }

    public CollectorRegistry Registry { get; }
    public Counter Requests { get; }
    public Counter Errors { get; }
    public Histogram Latency { get; }
    public Counter Rows { get; }
    public Counter Classes { get; }
    public Histogram Scores { get; }
    public Summary Values { get; }
    public Counter Missing { get; }
    public Gauge InFlight { get; }
    public Counter LogWritten { get; }
    public Counter LogDropped { get; }
    public Counter LogFailed { get; }
    public Gauge LogQueue { get; }
    public Counter ShadowDropped { get; }
    public Counter Reloads { get; }
    public Counter ReloadFailures { get; }
    public Gauge Served { get; }
    public Gauge Drift { get; }
    public Gauge DriftShare { get; }

    /// <summary>Sets the drift gauges from a monitoring window's figures: every <c>statistic(column)</c> figure and <c>drift_share</c>.</summary>
    public void SetDrift(IReadOnlyDictionary<string, double> figures)
    {
        foreach (var (name, value) in figures)
        {
            var open = name.IndexOf('(', StringComparison.Ordinal);
            if (open > 0 && name[^1] == ')') Drift.WithLabels(name[(open + 1)..^1], name[..open]).Set(value);
        }
        if (figures.TryGetValue("drift_share", out var share))
        {
            DriftShare.Set(share);
            DriftShare.Publish();
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Model, string Version, string Arm), RouteMetrics> _routes = new();

    /// <summary>
    /// The labelled series of one model version and arm, resolved once: each <c>WithLabels</c> lookup builds a label key and searches the
    /// family (about 0.1 µs), and a request made six of them.
    /// </summary>
    public RouteMetrics Route(string model, string version, string arm) =>
        _routes.TryGetValue((model, version, arm), out var r) ? r : _routes.GetOrAdd((model, version, arm), k => new RouteMetrics(this, k.Model, k.Version, k.Arm));
}

/// <summary>The series of one model version and arm (see <see cref="ServingMetrics.Route"/>); classes and endpoints are resolved on first use.</summary>
internal sealed class RouteMetrics(ServingMetrics metrics, string model, string version, string arm)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Counter.Child> _answered = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Counter.Child> _classes = new(StringComparer.Ordinal);

    public Histogram.Child Latency { get; } = metrics.Latency.WithLabels(model, version, arm);

    private Counter.Child Rows { get; } = metrics.Rows.WithLabels(model, version, arm);

    private Histogram.Child? _scores;
    private Summary.Child? _values;

    // Resolved on first use: a series is published once it exists, and a classifier has no values, a regressor no scores.
    private Histogram.Child Scores => _scores ??= metrics.Scores.WithLabels(model, version, arm);

    private Summary.Child Values => _values ??= metrics.Values.WithLabels(model, version, arm);

    /// <summary>The series of requests answered 200 on <paramref name="endpoint"/>.</summary>
    public Counter.Child Answered(string endpoint) =>
        _answered.TryGetValue(endpoint, out var c) ? c : _answered.GetOrAdd(endpoint, e => metrics.Requests.WithLabels(model, version, arm, e, "200"));

    private Counter.Child Class(string name) =>
        _classes.TryGetValue(name, out var c) ? c : _classes.GetOrAdd(name, n => metrics.Classes.WithLabels(model, version, arm, n));

    /// <summary>Counts what a successful prediction saw and answered.</summary>
    public void Observe(Table input, Predictions p) => Observe(input, 0, input.RowCount, p);

    /// <summary>Counts what a successful prediction saw in rows <paramref name="first"/>.. of <paramref name="input"/> and answered.</summary>
    public void Observe(Table input, int first, int count, Predictions p)
    {
        Rows.Inc(p.Count);
        var columns = input.Columns;
        // Indexed, not foreach: an interface enumerator is an allocation per request.
        for (var i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            var missing = 0;
            for (var r = first; r < first + count; r++) missing += c.IsMissing(r) ? 1 : 0;
            if (missing > 0) metrics.Missing.WithLabels(model, version, c.Name).Inc(missing);
        }
        if (p.Probabilities is { } probabilities)
        {
            var predicted = p.PredictedClassIndices();
            var scores = Scores;
            // One labelled-child lookup per class, not per row.
            Span<int> counts = stackalloc int[p.Classes.Count <= 256 ? p.Classes.Count : 0];
            for (var r = 0; r < predicted.Length; r++)
            {
                if (counts.IsEmpty) Class(p.Classes[predicted[r]]).Inc();
                else counts[predicted[r]]++;
                scores.Observe(p.Classes.Count == 2 ? probabilities[r][1] : probabilities[r][predicted[r]]);
            }
            for (var k = 0; k < counts.Length; k++)
            {
                if (counts[k] > 0) Class(p.Classes[k]).Inc(counts[k]);
            }
            return;
        }
        var values = Values;
        foreach (var v in p.Values!)
        {
            if (double.IsFinite(v)) values.Observe(v);
        }
    }
}
