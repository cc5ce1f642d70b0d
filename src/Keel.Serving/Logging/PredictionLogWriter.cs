using Keel.Core.PredictionLog;
using Keel.Serving.Hosting;
using Keel.Serving.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Logging;

/// <summary>
/// Logs predictions off the hot path: requests put them in a bounded queue (never waiting: a full queue drops and counts),
/// and this background service writes them in batches, one transaction each. A graceful stop writes what is queued.
/// </summary>
internal sealed class PredictionLogWriter : BackgroundService
{
    private readonly PredictionLogBuffer _queue;
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
        _queue = new PredictionLogBuffer(options.PredictionLogQueue, options.PredictionLogBatch);
    }

    /// <summary>Queues a prediction (encoded at once: nothing of the request is kept); returns false (and counts a drop) when the queue is full.</summary>
    public bool TryEnqueue(in PendingPrediction p)
    {
        if (_queue.TryAppend(p))
        {
            _metrics.LogQueue.Inc();
            return true;
        }
        _metrics.LogDropped.Inc();
        return false;
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Complete();
        _stopping.Cancel();
        return base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        _queue.Dispose();
        base.Dispose();
    }

    // On a thread of its own, not the thread pool's: a SQLite batch runs synchronously for milliseconds, and holding a pool thread that
    // long makes the pool add and wake threads that then compete with the answers.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run()
    {
        Thread.CurrentThread.Name = "keel-prediction-log";
        // Not cancelled by stoppingToken: after the queue is completed, what is left is written before the loop ends.
        while (true)
        {
            var segment = _queue.Take(partial: false);
            if (segment is null)
            {
                if (!_queue.IsCompleted)
                {
                    // Until a segment is full, or the flush interval passed (on the injected clock): then the partial one is written.
                    using var interval = new CancellationTokenSource(_options.PredictionLogFlushInterval > TimeSpan.Zero ? _options.PredictionLogFlushInterval : TimeSpan.FromMilliseconds(1), _time);
                    using var wake = CancellationTokenSource.CreateLinkedTokenSource(interval.Token, _stopping.Token);
                    try
                    {
                        _queue.WaitAsync(Timeout.InfiniteTimeSpan, wake.Token).GetAwaiter().GetResult();
                    }
                    catch (OperationCanceledException)
                    {
                        // The interval passed, or stopping: write what is queued now.
                    }
                }
                segment = _queue.Take(partial: true);
                if (segment is null)
                {
                    if (_queue.IsCompleted) return;
                    continue;
                }
            }
            _metrics.LogQueue.Dec(segment.Count);
            var count = segment.Count;
            try
            {
                _store.AppendAsync(segment.Records, CancellationToken.None).GetAwaiter().GetResult();
                _metrics.LogWritten.Inc(count);
            }
            catch (Exception e)
            {
                _metrics.LogFailed.Inc(count);
                _log.LogError(e, "Could not write {Count} predictions to the prediction log: {Message}", count, e.Message);
            }
            finally
            {
                _queue.Return(segment);
            }
        }
    }
}
