using System.Runtime.CompilerServices;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Serving.Hosting;
using Keel.Serving.Logging;
using Keel.Serving.Metrics;
using Keel.Tracking.PredictionLog;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Serving.Tests;

public sealed class PredictionLogBufferTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static PendingPrediction Pending(string id, int rows = 1) => new(id, T0, "credit-risk", 3, "champion", "invocations", 1.25,
        new Table([
            new NumericColumn("Income", [.. Enumerable.Range(0, rows).Select(r => r == 0 ? double.NaN : 129.5)]),
            new StringColumn("Home", [.. Enumerable.Range(0, rows).Select(r => r == 0 ? "rént \"x\"" : null)]),
        ]),
        new Predictions { Task = TaskKind.Binary, Classes = ["bad", "good"], Probabilities = [.. Enumerable.Range(0, rows).Select(_ => new[] { 0.25, 0.75 })] });

    [Fact]
    public void TryAppend_ThenDecode_GivesBackEveryFieldAndTheJson()
    {
        using var buffer = new PredictionLogBuffer(100, 10);
        Assert.True(buffer.TryAppend(Pending("a", rows: 2)));
        Assert.True(buffer.TryAppend(Pending("b")));
        var segment = buffer.Take(partial: true)!;
        var records = segment.Records.ToRecords();

        Assert.Equal(["a", "b"], records.Select(r => r.RequestId));
        var a = records[0];
        Assert.Equal((T0, "credit-risk", 3, "champion", "invocations", 1.25, 2), (a.Time, a.Model, a.Version, a.Arm, a.Endpoint, a.LatencyMs, a.Rows));
        Assert.Equal("""[{"Income":null,"Home":"rént \"x\""},{"Income":129.5,"Home":null}]""", a.InputsJson);
        Assert.Equal("""[{"label":"good","probabilities":{"bad":0.25,"good":0.75}},{"label":"good","probabilities":{"bad":0.25,"good":0.75}}]""", a.OutputsJson);
        Assert.Equal(0, buffer.Count);
    }

    [Fact]
    public void TryAppend_QueueFull_RefusesWithoutWaitingAndAcceptsAgainOnceTaken()
    {
        using var buffer = new PredictionLogBuffer(capacity: 4, recordsPerSegment: 2);
        for (var i = 0; i < 4; i++) Assert.True(buffer.TryAppend(Pending("r" + i)));
        Assert.False(buffer.TryAppend(Pending("r4")));
        var first = buffer.Take(partial: false)!;
        Assert.Equal(["r0", "r1"], first.Records.ToRecords().Select(r => r.RequestId));
        buffer.Return(first);
        Assert.True(buffer.TryAppend(Pending("r5")));
        Assert.Equal(3, buffer.Count);
    }

    [Fact]
    public void TryAppend_RecordLargerThanASegment_KeptWhole()
    {
        using var buffer = new PredictionLogBuffer(100, 10);
        Assert.True(buffer.TryAppend(Pending("small")));
        Assert.True(buffer.TryAppend(Pending("big", rows: 10_000)));
        var records = new List<Core.PredictionLog.PredictionRecord>();
        while (buffer.Take(partial: true) is { } s)
        {
            records.AddRange(s.Records.ToRecords());
            buffer.Return(s);
        }
        Assert.Equal(["small", "big"], records.Select(r => r.RequestId));
        Assert.Equal(10_000, JsonDocument.Parse(records[1].InputsJson).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task TryEnqueue_Queued_KeepsNoReferenceToTheRequestsTableOrAnswer()
    {
        // Holding each request's objects until the writer ran promoted them to generation 2 under load (docs/serving.md).
        var folder = Directory.CreateTempSubdirectory("keel-logbuffer-");
        try
        {
            await using var store = await PredictionLogStores.OpenSqliteAsync(Path.Combine(folder.FullName, "predictions.db"));
            var metrics = new ServingMetrics();
            using var writer = new PredictionLogWriter(store, new ServeOptions(), metrics, TimeProvider.System, NullLogger<PredictionLogWriter>.Instance);
            var (table, answer) = Enqueue(writer);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.False(table.TryGetTarget(out _));
            Assert.False(answer.TryGetTarget(out _));
            Assert.Equal(1, metrics.LogQueue.Value);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference<Table>, WeakReference<Predictions>) Enqueue(PredictionLogWriter writer)
    {
        var p = Pending("weak");
        Assert.True(writer.TryEnqueue(p));
        return (new WeakReference<Table>(p.Input), new WeakReference<Predictions>(p.Output));
    }
}
