using System.Globalization;

namespace Keel.Serving.Rollouts;

/// <summary>
/// Keeps the last <see cref="GuardOptions.Window"/> outcomes of each arm and judges the challenger against <see cref="GuardOptions"/>:
/// error rate, p99 latency (absolute and relative to the champion) and the population stability index of its scores (a multiclass
/// classifier's: its predicted classes) against the champion's.
/// </summary>
internal sealed class GuardMonitor(GuardOptions options)
{
    private const int Bins = 10;

    /// <summary>p99 and PSI sort the windows, so they are judged every window/10 challenger outcomes (at least 10); the error rate on every one.</summary>
    private readonly int _sortedCheckEvery = Math.Max(10, options.Window / 10);

    /// <summary>
    /// Challenger requests the p99 guards need (100, or the whole window when it is smaller): the nearest-rank p99 of fewer than 100 values
    /// is their maximum, one slow request.
    /// </summary>
    private readonly int _p99Requests = Math.Min(100, options.Window);

    private readonly Window _champion = new(options.Window);
    private readonly Window _challenger = new(options.Window);

    private long _challengerSeen;

    public void Add(ArmOutcome o)
    {
        if (o.Arm == Arm.Challenger) _challengerSeen++;
        (o.Arm == Arm.Champion ? _champion : _challenger).Add(o);
    }

    /// <summary>Whether the challenger window holds enough requests for the guards to judge.</summary>
    public bool Ready => _challenger.Count >= options.MinRequests;

    /// <summary>Forgets the challenger's window (after a rollback or restart, old evidence must not judge a new attempt).</summary>
    public void ResetChallenger() => _challenger.Clear();

    /// <summary>The first broken guard as a sentence, or null when all hold or there is not enough data yet.</summary>
    public string? Breach()
    {
        if (!Ready) return null;
        var n = _challenger.Count;
        var errorRate = (double)_challenger.Failures / n;
        if (errorRate > options.MaxErrorRate)
            return $"challenger error rate {Pct(errorRate)} over the limit {Pct(options.MaxErrorRate)} in the last {n} requests";
        if (_challengerSeen % _sortedCheckEvery != 0) return null;
        var s = Snapshot();
        if (n >= _p99Requests)
        {
            if (options.MaxP99LatencyMs is { } max && s.ChallengerP99Ms > max)
                return $"challenger p99 latency {Ms(s.ChallengerP99Ms)} over the limit {Ms(max)} in the last {n} requests";
            // Both parts must hold: under a millisecond or two, a ratio of p99s measures a busy core or a collection, not the model.
            if (options.MaxP99Ratio is { } ratio && s.ChampionP99Ms > 0 && s.ChallengerP99Ms > ratio * s.ChampionP99Ms
                && s.ChallengerP99Ms - s.ChampionP99Ms > options.MinP99GapMs)
                return $"challenger p99 latency {Ms(s.ChallengerP99Ms)} over {ratio.ToString("0.##", CultureInfo.InvariantCulture)}× the champion's {Ms(s.ChampionP99Ms)} " +
                    $"and more than {Ms(options.MinP99GapMs)} over it in the last {n} requests";
        }
        if (options.MaxScoreShift is { } psi && s.ScoreShiftPsi > psi)
            return $"challenger {(ByClass ? "predicted-class" : "score")} distribution shifted from the champion's: PSI {s.ScoreShiftPsi.ToString("0.###", CultureInfo.InvariantCulture)} "
                + $"over the limit {psi.ToString("0.###", CultureInfo.InvariantCulture)} (models of different families can differ this much; raise guards.max_score_shift, or set it off, when that is expected)";
        return null;
    }

    public GuardSnapshot Snapshot()
    {
        var enoughChampion = _champion.Count >= options.MinRequests;
        return new GuardSnapshot(_champion.Count, _challenger.Count,
            _challenger.Count == 0 ? double.NaN : (double)_challenger.Failures / _challenger.Count,
            enoughChampion ? P99(_champion.Latencies()) : double.NaN,
            _challenger.Count > 0 ? P99(_challenger.Latencies()) : double.NaN,
            // PSI is biased upwards on small samples (about 9·(1/n₁ + 1/n₂) for ten bins), so it judges only full windows.
            _champion.Count < options.Window || _challenger.Count < options.Window ? double.NaN
                : ByClass ? ClassPsi(_champion.Labels(), _challenger.Labels()) : Psi(_champion.Scores(), _challenger.Scores()));
    }

    /// <summary>Whether the arms answer as multiclass classifiers, whose highest probability is a confidence that models of different
    /// families set differently (on seattle-weather, linear against LightGBM: PSI 1.33 over every row, for 0.23 between their predicted
    /// classes): the shift guard then compares the predicted classes.</summary>
    private bool ByClass => _challenger.Multiclass || _champion.Multiclass;

    /// <summary>PSI between the class shares of two windows of predicted classes, over every class either holds, with 0.5 added to each count.</summary>
    internal static double ClassPsi(string[] expected, string[] actual)
    {
        if (expected.Length == 0 || actual.Length == 0) return double.NaN;
        var classes = expected.Concat(actual).Distinct(StringComparer.Ordinal).ToArray();
        double[] Shares(string[] labels)
        {
            var counts = labels.CountBy(l => l, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
            return [.. classes.Select(c => (counts.GetValueOrDefault(c) + 0.5) / (labels.Length + 0.5 * classes.Length))];
        }
        return Sum(Shares(expected), Shares(actual));
    }

    /// <summary>The 99th percentile by nearest rank (the smallest value with at least 99% of values at or under it); NaN when empty.</summary>
    internal static double P99(double[] values)
    {
        if (values.Length == 0) return double.NaN;
        Array.Sort(values);
        return values[(int)Math.Ceiling(0.99 * values.Length) - 1];
    }

    /// <summary>
    /// Population stability index Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ) of <paramref name="actual"/> against <paramref name="expected"/>, over ten bins cut at
    /// the expected scores' deciles; each bin count gets 0.5 added (additive smoothing) so an empty bin counts as a shift, not infinity.
    /// </summary>
    internal static double Psi(double[] expected, double[] actual)
    {
        if (expected.Length == 0 || actual.Length == 0) return double.NaN;
        Array.Sort(expected);
        var edges = new double[Bins - 1];
        for (var i = 1; i < Bins; i++) edges[i - 1] = expected[(int)Math.Floor(i * (expected.Length - 1) / (double)Bins)];
        return Sum(Shares(expected, edges), Shares(actual, edges));
    }

    /// <summary>Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ) over smoothed shares of the same bins or classes.</summary>
    private static double Sum(double[] expected, double[] actual)
    {
        var psi = 0.0;
        for (var i = 0; i < expected.Length; i++) psi += (actual[i] - expected[i]) * Math.Log(actual[i] / expected[i]);
        return psi;
    }

    private static double[] Shares(double[] values, double[] edges)
    {
        var counts = new double[edges.Length + 1];
        foreach (var v in values)
        {
            var bin = Array.BinarySearch(edges, v);
            // Values equal to an edge go to the bin above it; BinarySearch returns the complement of the insertion point when absent.
            bin = bin >= 0 ? bin + 1 : ~bin;
            counts[bin]++;
        }
        return counts.Select(c => (c + 0.5) / (values.Length + 0.5 * counts.Length)).ToArray();
    }

    private static string Pct(double x) => (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Milliseconds with three significant digits under 10 ms ("0.062 ms", "1.26 ms"), so sub-millisecond p99s do not read as 0.</summary>
    private static string Ms(double x) => x.ToString(x >= 10 ? "0.#" : x >= 1 ? "0.##" : "0.###", CultureInfo.InvariantCulture) + " ms";

    /// <summary>
    /// A ring buffer of the last outcomes of one arm, as values (latency, score, failed): holding the outcome objects kept every request's
    /// outcome and request id alive across garbage collections while it was in the window, and collections stop the answers too.
    /// </summary>
    private sealed class Window(int size)
    {
        private readonly Entry[] _items = new Entry[size];
        private int _next;

        public int Count { get; private set; }

        public int Failures { get; private set; }

        /// <summary>Whether the latest answer that did not fail was a multiclass classifier's.</summary>
        public bool Multiclass { get; private set; }

        public void Add(ArmOutcome o)
        {
            if (_next < Count && _items[_next].Failed) Failures--;
            _items[_next] = new Entry(o.Latency.TotalMilliseconds, o.Score, o.Failed, o.Label);
            if (!o.Failed) Multiclass = o.Multiclass;
            if (o.Failed) Failures++;
            _next = (_next + 1) % _items.Length;
            Count = Math.Min(Count + 1, _items.Length);
        }

        public void Clear()
        {
            Array.Clear(_items);
            _next = Count = Failures = 0;
            Multiclass = false;
        }

        /// <summary>Latencies of every request, failed ones included (a slow failure is still slow).</summary>
        public double[] Latencies()
        {
            var latencies = new double[Count];
            for (var i = 0; i < latencies.Length; i++) latencies[i] = _items[i].LatencyMs;
            return latencies;
        }

        public double[] Scores()
        {
            var scores = new List<double>(Count);
            for (var i = 0; i < Count; i++)
            {
                if (!_items[i].Failed && double.IsFinite(_items[i].Score)) scores.Add(_items[i].Score);
            }
            return scores.ToArray();
        }

        /// <summary>Predicted classes of the answers that did not fail.</summary>
        public string[] Labels()
        {
            var labels = new List<string>(Count);
            for (var i = 0; i < Count; i++)
            {
                if (!_items[i].Failed && _items[i].Label is { } label) labels.Add(label);
            }
            return labels.ToArray();
        }

        private readonly record struct Entry(double LatencyMs, double Score, bool Failed, string? Label);
    }
}
