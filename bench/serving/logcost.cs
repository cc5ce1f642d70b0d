// Cost of the prediction log per logged single-row request (credit_data's 13 columns, a binary answer): encoding it on the
// request thread (PredictionLogBuffer.TryAppend) and the SQLite append in transactions of 500, bound from the queued bytes as the
// server's writer does it (before 2026-11-26's serving-perf branch the writer decoded each record to strings first: +0.4-1.2 us).
// Single thread; process CPU microseconds per record (CPU time, not wall time, so other jobs on a shared machine disturb it less),
// best of 5 rounds of 20,000.
// Usage, from the repository root: dotnet run -c Release bench/serving/logcost.cs
#:project ../../src/Keel.Serving/Keel.Serving.csproj
#:property TreatWarningsAsErrors=false
using System.Diagnostics;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.PredictionLog;
using Keel.Serving.Logging;
using Keel.Tracking.PredictionLog;

const int N = 20_000, Batch = 500;
var table = new Table([
    new NumericColumn("Seniority", [9]), new StringColumn("Home", ["rent"]), new NumericColumn("Time", [60]), new NumericColumn("Age", [30]),
    new StringColumn("Marital", ["married"]), new StringColumn("Records", ["no"]), new StringColumn("Job", ["freelance"]),
    new NumericColumn("Expenses", [73]), new NumericColumn("Income", [129]), new NumericColumn("Assets", [0]), new NumericColumn("Debt", [0]),
    new NumericColumn("Amount", [800]), new NumericColumn("Price", [846]),
]);
var answer = new Predictions { Task = TaskKind.Binary, Classes = ["bad", "good"], Probabilities = [[0.2716307044029236, 0.7283692955970764]] };
var folder = Directory.CreateTempSubdirectory("keel-logcost-");
double encode = double.MaxValue, append = double.MaxValue;
var bytes = 0;
await using (var store = await PredictionLogStores.OpenSqliteAsync(Path.Combine(folder.FullName, "predictions.db")))
{
    for (var round = 0; round < 5; round++)
    {
        using var buffer = new PredictionLogBuffer(N, Batch);
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, N).Select(_ => Guid.CreateVersion7().ToString("N")).ToArray();
        var t = new Cpu();
        for (var i = 0; i < N; i++) buffer.TryAppend(new PendingPrediction(ids[i], now, "credit-risk", 1, "champion", "invocations", 0.05, table, answer));
        encode = Math.Min(encode, t.Elapsed.TotalMicroseconds / N);
        var segments = new List<PredictionLogBuffer.Segment>();
        while (buffer.Take(partial: true) is { } s) segments.Add(s);
        bytes = segments.Sum(s => s.Length) / N;
        t.Restart();
        foreach (var s in segments) await store.AppendAsync(s.Records);
        append = Math.Min(append, t.Elapsed.TotalMicroseconds / N);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
Directory.Delete(folder.FullName, recursive: true);
Console.WriteLine($"{{\"record_bytes\": {bytes}, \"encode_us\": {encode:F2}, \"sqlite_append_us\": {append:F2}, \"total_us\": {encode + append:F2}}}");

/// <summary>This process's CPU time since the last restart.</summary>
sealed class Cpu
{
    private TimeSpan _start = Process.GetCurrentProcess().TotalProcessorTime;
    public TimeSpan Elapsed => Process.GetCurrentProcess().TotalProcessorTime - _start;
    public void Restart() => _start = Process.GetCurrentProcess().TotalProcessorTime;
}
