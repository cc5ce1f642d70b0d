using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.PredictionLog;
using Keel.Serving.Hosting;
using Keel.Serving.Metrics;
using Keel.Serving.Requests;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Logging;

/// <summary>An answered request waiting to be logged; its JSON is made by the writer, off the request path.</summary>
internal sealed record PendingPrediction(string RequestId, DateTimeOffset Time, string Model, int Version, string Arm, string Endpoint,
    double LatencyMs, Table Input, Predictions Output, AnswerNotes? Notes = null);

/// <summary>
/// Logs predictions off the hot path: requests put them in a bounded queue (never waiting: a full queue drops and counts),
/// and this background service writes them in batches, one transaction each. A graceful stop writes what is queued.
/// </summary>
internal sealed class PredictionLogWriter : BackgroundService
{
    private readonly Channel<PendingPrediction> _queue;
    private readonly IPredictionLogStore _store;
    private readonly ServeOptions _options;
    private readonly ServingMetrics _metrics;
    private readonly ILogger<PredictionLogWriter> _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();

    public PredictionLogWriter(IPredictionLogStore store, ServeOptions options, ServingMetrics metrics, TimeProvider time, ILogger<PredictionLogWriter> log)
    {
        _time = time;
        _store = store;
        _options = options;
        _metrics = metrics;
        _log = log;
        _queue = Channel.CreateBounded<PendingPrediction>(new BoundedChannelOptions(Math.Max(1, options.PredictionLogQueue))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Queues a prediction; returns false (and counts a drop) when the queue is full.</summary>
    public bool TryEnqueue(PendingPrediction p)
    {
        if (_queue.Writer.TryWrite(p))
        {
            _metrics.LogQueue.Inc();
            return true;
        }
        _metrics.LogDropped.Inc();
        return false;
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        _stopping.Cancel();
        return base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var batch = new List<PredictionRecord>(_options.PredictionLogBatch);
        // Not cancelled by stoppingToken: after the queue is completed, what is left is written before the loop ends.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            if (reader.Count < _options.PredictionLogBatch && !_stopping.IsCancellationRequested && _options.PredictionLogFlushInterval > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(_options.PredictionLogFlushInterval, _time, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: write what is queued now.
                }
            }
            while (batch.Count < _options.PredictionLogBatch && reader.TryRead(out var p)) batch.Add(ToRecord(p));
            _metrics.LogQueue.Dec(batch.Count);
            try
            {
                await _store.AppendAsync(batch, CancellationToken.None);
                _metrics.LogWritten.Inc(batch.Count);
            }
            catch (Exception e)
            {
                _metrics.LogFailed.Inc(batch.Count);
                _log.LogError(e, "Could not write {Count} predictions to the prediction log: {Message}", batch.Count, e.Message);
            }
            batch.Clear();
        }
    }

    private static PredictionRecord ToRecord(PendingPrediction p) => new()
    {
        RequestId = p.RequestId,
        Time = p.Time,
        Model = p.Model,
        Version = p.Version,
        Arm = p.Arm,
        Endpoint = p.Endpoint,
        LatencyMs = p.LatencyMs,
        Rows = p.Output.Count,
        InputsJson = Json(w => PredictionJson.WriteRows(w, p.Input)),
        OutputsJson = Json(w => PredictionJson.WritePredictions(w, p.Output, p.Notes)),
    };

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, PredictionJson.WriterOptions)) write(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
