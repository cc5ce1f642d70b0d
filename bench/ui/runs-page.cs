#:project ../../src/Keel.Web/Keel.Web.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
// The runs page with many runs: fills a SQLite store with 10,000 runs x 50 metrics (3 steps each, so min/max differ from last)
// and 5 params per run by bulk INSERTs in one transaction, nine runs in ten being child runs of the tenth (a search's trials: tag
// keel.parent_run_id), starts the tracking server in process on a free loopback port, and times /ui/runs over loopback for
// several views (first page, which leaves the child runs out; every run, children=show; sorted by a metric, filtered with
// or/parentheses, a later page, 20 chosen metric columns): 10 warm-up requests, then REQUESTS timed ones each, reported as
// p50/p95/max in ms.
//   flock /tmp/keel-bench.lock dotnet run -c Release bench/ui/runs-page.cs [RUNS] [REQUESTS] [FOLDER]
// With FOLDER, the filled store is kept there and a later run over the same FOLDER times it again without refilling;
// REQUESTS 0 only fills (the fill writes, it measures nothing, so it need not hold the bench lock).
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Tracking;
using Keel.Web;
using Microsoft.Data.Sqlite;

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
const int Metrics = 50, Steps = 3;
var keep = args.Length > 2;
var folder = keep ? Directory.CreateDirectory(args[2]).FullName : Directory.CreateTempSubdirectory("keel-bench-ui-").FullName;
var refill = !File.Exists(Path.Combine(folder, ".keel", "keel.db"));
var store = await KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(folder, ".keel") });
var experiment = await store.Tracking.GetOrCreateExperimentAsync("bench-ui");

var fill = Stopwatch.StartNew();
var random = new Random(42);
var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
if (refill)
await using (var conn = new SqliteConnection($"Data Source={store.DatabasePath};Pooling=false"))
{
    await conn.OpenAsync();
    await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync();
    SqliteCommand Prepare(string sql, params string[] names)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var n in names) cmd.Parameters.Add(new SqliteParameter(n, null));
        cmd.Prepare();
        return cmd;
    }
    var run = Prepare("INSERT INTO runs (id, experiment_id, name, status, start_time, end_time) VALUES ($id, $e, $n, 'finished', $s, $t);", "$id", "$e", "$n", "$s", "$t");
    var param = Prepare("INSERT INTO params (run_id, key, value) VALUES ($r, $k, $v);", "$r", "$k", "$v");
    var metric = Prepare("INSERT INTO metrics (run_id, key, value, step, timestamp) VALUES ($r, $k, $v, $s, $t);", "$r", "$k", "$v", "$s", "$t");
    var latest = Prepare("INSERT INTO latest_metrics (run_id, key, value, step, timestamp) VALUES ($r, $k, $v, $s, $t);", "$r", "$k", "$v", "$s", "$t");
    var tag = Prepare("INSERT INTO tags (run_id, key, value) VALUES ($r, 'keel.parent_run_id', $v);", "$r", "$v");
    string[] models = ["lgbm", "linear", "fasttree", "fastforest"];
    var parent = "";
    for (var i = 0; i < runs; i++)
    {
        var id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var start = t0.AddMinutes(i);
        run.Parameters[0].Value = id; run.Parameters[1].Value = experiment.Id; run.Parameters[2].Value = $"run-{i}";
        run.Parameters[3].Value = Time(start); run.Parameters[4].Value = Time(start.AddSeconds(30));
        run.ExecuteNonQuery();
        if (i % 10 == 0) parent = id;
        else
        {
            tag.Parameters[0].Value = id; tag.Parameters[1].Value = parent;
            tag.ExecuteNonQuery();
        }
        foreach (var (k, v) in new[] { ("model", models[i % 4]), ("lr", (0.01 * (1 + i % 30)).ToString(CultureInfo.InvariantCulture)), ("depth", (2 + i % 10).ToString(CultureInfo.InvariantCulture)), ("seed", i.ToString(CultureInfo.InvariantCulture)), ("features", "all") })
        {
            param.Parameters[0].Value = id; param.Parameters[1].Value = k; param.Parameters[2].Value = v;
            param.ExecuteNonQuery();
        }
        for (var m = 0; m < Metrics; m++)
        {
            var key = $"m{m:00}";
            double value = 0;
            for (var s = 0; s < Steps; s++)
            {
                value = random.NextDouble();
                metric.Parameters[0].Value = id; metric.Parameters[1].Value = key; metric.Parameters[2].Value = value;
                metric.Parameters[3].Value = s; metric.Parameters[4].Value = Time(start.AddSeconds(s));
                metric.ExecuteNonQuery();
            }
            latest.Parameters[0].Value = id; latest.Parameters[1].Value = key; latest.Parameters[2].Value = value;
            latest.Parameters[3].Value = Steps - 1; latest.Parameters[4].Value = Time(start.AddSeconds(Steps - 1));
            latest.ExecuteNonQuery();
        }
    }
    await tx.CommitAsync();
}
if (refill) Console.WriteLine($"filled {runs:N0} runs x {Metrics} metrics x {Steps} steps ({(long)runs * Metrics * Steps:N0} metric rows) in {fill.Elapsed.TotalSeconds:0.0} s; database {new FileInfo(store.DatabasePath).Length / 1e6:0} MB");

if (requests == 0)
{
    await store.DisposeAsync();
    return;
}
var server = await TrackingServer.StartAsync(new WebOptions { Port = 0 }, store);
using var http = new HttpClient { BaseAddress = server.Address };
var first = await http.GetStringAsync("ui/runs?experiment=bench-ui");
var token = Regex.Match(first, "page_token=([^\"&]+)").Groups[1].Value;
Console.WriteLine($"first page: {Regex.Matches(first, "<tr>").Count - 1} runs listed, {Regex.Matches(first, "class=\"children\"").Count} with child runs");
var views = new (string Name, string Url)[]
{
    ("first page (50 runs, default columns)", "ui/runs?experiment=bench-ui"),
    ("first page with the child runs (children=show)", "ui/runs?experiment=bench-ui&children=show"),
    ("all experiments, sorted by metrics.m07 desc", "ui/runs?order_by=" + Uri.EscapeDataString("metrics.m07 desc")),
    ("filter (m03 > 0.5 or model = 'lgbm') and status", "ui/runs?experiment=bench-ui&filter=" + Uri.EscapeDataString("(metrics.m03 > 0.5 or params.model = 'lgbm') and status = 'finished'")),
    ("second page (page token)", "ui/runs?experiment=bench-ui&page_token=" + token),
    ("20 chosen metric columns + 2 params", "ui/runs?experiment=bench-ui&columns=" + Uri.EscapeDataString(string.Join(",", Enumerable.Range(0, 20).Select(m => $"metrics.m{m:00}").Append("params.lr").Append("params.model")))),
};
Console.WriteLine($"| view | requests | p50 ms | p95 ms | max ms |");
Console.WriteLine($"|---|---|---|---|---|");
var all = new List<double>();
foreach (var (name, url) in views)
{
    for (var i = 0; i < 10; i++) (await http.GetAsync(url)).EnsureSuccessStatusCode();
    var times = new List<double>();
    for (var i = 0; i < requests; i++)
    {
        var sw = Stopwatch.StartNew();
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        times.Add(sw.Elapsed.TotalMilliseconds);
        if (!response.IsSuccessStatusCode || !body.Contains("<table id=\"runs\"", StringComparison.Ordinal)) throw new InvalidOperationException($"{url}: {(int)response.StatusCode}");
    }
    all.AddRange(times);
    Console.WriteLine($"| {name} | {requests} | {Pct(times, 0.5):0.0} | {Pct(times, 0.95):0.0} | {times.Max():0.0} |");
}
Console.WriteLine($"| all views | {all.Count} | {Pct(all, 0.5):0.0} | {Pct(all, 0.95):0.0} | {all.Max():0.0} |");
await server.DisposeAsync();
await store.DisposeAsync();
if (!keep) Directory.Delete(folder, recursive: true);

static double Pct(List<double> xs, double q)
{
    var sorted = xs.Order().ToArray();
    return sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
