// The work of shared/bench/peers/drift.py with Keel: read flights-3m.csv (Keel's TableReader), derive minute_of_day, and
// compare January with each of February to June on every column and every statistic (numeric: KS with its asymptotic
// p-value, Wasserstein-1, PSI on reference deciles; categorical: chi-square of homogeneity, Jensen-Shannon base 2, PSI).
// The reference is kept whole (no sample), so every figure must equal the peer's; compare.py checks that.
// Usage: Keel.Bench.Drift FLIGHTS_CSV [OUT_JSON]; prints read and compute seconds. run.sh times it beside the peer.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Data;
using Keel.Monitoring.Drift;

var watch = Stopwatch.StartNew();
var table = TableReader.Read(args[0], new ReadOptions()).Table;
var readSeconds = watch.Elapsed.TotalSeconds;

var date = ((NumericColumn)table["date"]).Values.ToArray();
var rows = date.Length;
var month = new byte[rows];
var minute = table.Contains("minute_of_day") ? ((NumericColumn)table["minute_of_day"]).Values.ToArray() : new double[rows];
var derive = !table.Contains("minute_of_day");
for (var i = 0; i < rows; i++)
{
    var seconds = (long)Math.Floor(date[i]);
    var day = Math.DivRem(seconds, 86_400L, out var inDay);
    if (inDay < 0) { day--; inDay += 86_400; }
    month[i] = (byte)DateOnly.FromDayNumber(719_162 + (int)day).Month; // 719162 = day number of 1970-01-01
    if (derive) minute[i] = inDay / 60;
}

string[] numeric = ["delay", "distance", "minute_of_day"], categorical = ["origin", "destination"];
var results = new Dictionary<string, object>[7];
for (var m = 2; m <= 6; m++) results[m] = [];
watch.Restart();

// Every column on its own thread: a column's months are cut, sorted once, and January compared with each later month.
Parallel.ForEach(numeric.Concat(categorical), name =>
{
    if (numeric.Contains(name))
    {
        var values = name == "minute_of_day" ? minute : ((NumericColumn)table[name]).Values.ToArray();
        var byMonth = SplitNumeric(values, month);
        var reference = byMonth[1];
        var edges = Psi.Edges(reference);
        var refShare = Psi.Proportions(reference, edges);
        for (var m = 2; m <= 6; m++)
        {
            var (ks, w) = TwoSample.KsAndWasserstein(reference, byMonth[m]);
            var psi = Psi.Index(refShare, Psi.Proportions(byMonth[m], edges));
            lock (results) results[m][name] = new { ks_statistic = ks.Statistic, ks_pvalue = ks.PValue, wasserstein = w, psi };
        }
        return;
    }
    var (counts, categories) = CountCategories(((StringColumn)table[name]).Values, month);
    for (var m = 2; m <= 6; m++)
    {
        var chi = CategoricalStatistics.ChiSquare(counts[1], counts[m]);
        var rp = CategoricalStatistics.Proportions(counts[1]);
        var cp = CategoricalStatistics.Proportions(counts[m]);
        lock (results) results[m][name] = new
        {
            chi2 = chi.Statistic, chi2_pvalue = chi.PValue, dof = chi.DegreesOfFreedom,
            js_distance = CategoricalStatistics.JensenShannon(rp, cp), psi = Psi.Index(rp, cp),
        };
    }
});
var computeSeconds = watch.Elapsed.TotalSeconds;

var output = new Dictionary<string, object>
{
    ["read_s"] = Math.Round(readSeconds, 3),
    ["compute_s"] = Math.Round(computeSeconds, 3),
    ["comparisons"] = Enumerable.Range(2, 5).ToDictionary(m => $"2001-01 vs 2001-{m:00}", m => results[m]),
};
if (args.Length > 1) File.WriteAllText(args[1], JsonSerializer.Serialize(output, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"read_s\": {readSeconds:0.000}, \"compute_s\": {computeSeconds:0.000}, \"rows\": {rows}}}"));

// The non-missing values of each month, ascending (index = month 1..12).
static double[][] SplitNumeric(double[] values, byte[] month)
{
    var counts = new int[13];
    for (var i = 0; i < values.Length; i++) if (!double.IsNaN(values[i])) counts[month[i]]++;
    var parts = counts.Select(c => new double[c]).ToArray();
    var fill = new int[13];
    for (var i = 0; i < values.Length; i++) if (!double.IsNaN(values[i])) parts[month[i]][fill[month[i]]++] = values[i];
    foreach (var p in parts) Array.Sort(p);
    return parts;
}

// Category counts per month over the union of categories in ordinal order (as numpy.union1d sorts them).
static (long[][] Counts, string[] Categories) CountCategories(ReadOnlySpan<string?> values, byte[] month)
{
    var ids = new Dictionary<string, int>(StringComparer.Ordinal);
    var id = new int[values.Length];
    for (var i = 0; i < values.Length; i++)
    {
        var v = values[i];
        if (v is null) { id[i] = -1; continue; }
        if (!ids.TryGetValue(v, out var k)) ids[v] = k = ids.Count;
        id[i] = k;
    }
    var categories = ids.Keys.Order(StringComparer.Ordinal).ToArray();
    var position = new int[ids.Count];
    for (var i = 0; i < categories.Length; i++) position[ids[categories[i]]] = i;
    var counts = Enumerable.Range(0, 13).Select(_ => new long[categories.Length]).ToArray();
    for (var i = 0; i < id.Length; i++) if (id[i] >= 0) counts[month[i]][position[id[i]]]++;
    return (counts, categories);
}
