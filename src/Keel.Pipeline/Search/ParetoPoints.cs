using Keel.Core.Metrics;
using Keel.Core.Tracking;
using Keel.Search;

namespace Keel.Pipeline.Search;

/// <summary>A multi-objective search's objective values per complete trial, read from the trials' tracked runs, and its front: shared by
/// the search report and the web UI's search page.</summary>
public static class ParetoPoints
{
    /// <summary>The objectives of <paramref name="names"/> with their directions: latency and size lower is better, a metric as the
    /// metric says; names neither are left out.</summary>
    public static IReadOnlyList<Objective> Objectives(IEnumerable<string> names) =>
        (names ?? throw new ArgumentNullException(nameof(names))).Select(n => n switch
        {
            "latency" or "size" => new Objective(n, false),
            _ => MetricCatalog.All.TryGetValue(n, out var m) ? new Objective(n, m.HigherIsBetter) : null,
        }).OfType<Objective>().ToArray();

    /// <summary>Each trial's value per objective as its tracked run records it (latency: predict_us_per_row, size: model_bytes, a
    /// metric: val.METRIC; NaN when missing); trials whose run is gone are left out.</summary>
    public static async Task<IReadOnlyList<ParetoPoint>> ReadAsync(ITrackingStore tracking, IReadOnlyList<Objective> objectives,
        IEnumerable<(int Trial, string Family, string RunId)> trials, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tracking);
        ArgumentNullException.ThrowIfNull(objectives);
        ArgumentNullException.ThrowIfNull(trials);
        var points = new List<ParetoPoint>();
        foreach (var (trial, family, runId) in trials)
        {
            if (await tracking.GetRunAsync(runId, ct) is not { } run) continue;
            var values = objectives.ToDictionary(o => o.Name, o => run.Metrics.GetValueOrDefault(MetricKey(o), double.NaN), StringComparer.Ordinal);
            points.Add(new ParetoPoint(trial, family, values));
        }
        return points;
    }

    /// <summary>The tracked metric a trial's run records <paramref name="objective"/> under: predict_us_per_row for latency,
    /// model_bytes for size, val.METRIC for a metric.</summary>
    public static string MetricKey(Objective objective) => (objective ?? throw new ArgumentNullException(nameof(objective))).Name switch
    {
        "latency" => "predict_us_per_row",
        "size" => "model_bytes",
        var metric => $"val.{metric}",
    };

    /// <summary>How the front grew, trial by trial (in trial order): the share of the objective box its front dominated after each
    /// complete trial (<see cref="ParetoFront.HypervolumeHistory"/>).</summary>
    public static IReadOnlyList<(int Trial, double Share)> HypervolumeHistory(IReadOnlyList<Objective> objectives, IReadOnlyList<ParetoPoint> points)
    {
        ArgumentNullException.ThrowIfNull(objectives);
        ArgumentNullException.ThrowIfNull(points);
        var ordered = points.OrderBy(p => p.Trial).ToArray();
        var shares = ParetoFront.HypervolumeHistory(ordered.Select(p => (IReadOnlyList<double>)objectives.Select(o => p.Objectives[o.Name]).ToArray()).ToArray(), objectives);
        return ordered.Select((p, i) => (p.Trial, shares[i])).ToArray();
    }

    /// <summary>What the hypervolume chart's note says it measures.</summary>
    public const string HypervolumeNote = "The front's hypervolume after each complete trial: the share of the box between the best value of each objective " +
        "and Optuna's reference point (each objective's worst value moved 10 % outwards) that the trials so far on the front dominate. " +
        "It rises when a trial extends the front; a flat stretch is trials that did not.";

    /// <summary>Whether charts draw <paramref name="objective"/> on a log axis: latency and size, which span orders of magnitude
    /// (a forest's megabytes beside a booster's kilobytes would squeeze the front into one corner).</summary>
    public static bool LogAxis(Objective objective) => (objective ?? throw new ArgumentNullException(nameof(objective))).Name is "latency" or "size";

    /// <summary>A trial's values per objective as tables show them: " · " between them, whole numbers (bytes) whole, others to six
    /// significant digits.</summary>
    public static string FormatValues(IEnumerable<double> values) =>
        string.Join(" · ", (values ?? throw new ArgumentNullException(nameof(values)))
            .Select(v => v.ToString(v == Math.Round(v) ? "0" : "G6", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>How a chart or table names an objective's axis: "latency µs/row", "size bytes", or the metric.</summary>
    public static string Axis(Objective objective) =>
        (objective ?? throw new ArgumentNullException(nameof(objective))).Name switch { "latency" => "latency µs/row", "size" => "size bytes", var n => n };

    /// <summary>The points no other point dominates over <paramref name="objectives"/>, in their order.</summary>
    public static IReadOnlyList<ParetoPoint> Front(IReadOnlyList<Objective> objectives, IReadOnlyList<ParetoPoint> points)
    {
        ArgumentNullException.ThrowIfNull(objectives);
        ArgumentNullException.ThrowIfNull(points);
        var front = ParetoFront.Front(points.Select(p => (IReadOnlyList<double>)objectives.Select(o => p.Objectives[o.Name]).ToArray()).ToArray(), objectives);
        return front.Select(i => points[i]).ToArray();
    }
}
