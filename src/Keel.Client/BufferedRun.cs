using Keel.Core;
using Keel.Core.Tracking;

namespace Keel.Client;

/// <summary>A run whose params, metric points and tags wait in a buffer until a batch is full or something forces a flush.</summary>
internal sealed class BufferedRun(string id, ITransport transport, KeelClientOptions options) : IKeelRun
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, string> _params = new(StringComparer.Ordinal);
    private Dictionary<string, string> _tags = new(StringComparer.Ordinal);
    private List<MetricPoint> _metrics = [];
    private LogBatch? _pending;
    private bool _ended;

    public string Id => id;

    private int Buffered => _params.Count + _tags.Count + _metrics.Count;

    public ValueTask LogParamAsync(string key, string value, CancellationToken ct = default)
    {
        Check(key, "param");
        _params[key] = value ?? throw new KeelInputException($"param '{key}': expected a value");
        return FlushIfFullAsync(ct);
    }

    public ValueTask LogMetricAsync(string key, double value, long step = 0, CancellationToken ct = default)
    {
        Check(key, "metric");
        if (!double.IsFinite(value)) throw new KeelInputException($"metric '{key}' value {value}: expected a finite number");
        if (step < 0) throw new KeelInputException($"metric '{key}' step {step}: expected 0 or above");
        _metrics.Add(new MetricPoint(key, value, step, options.Time.GetUtcNow()));
        return FlushIfFullAsync(ct);
    }

    public ValueTask SetTagAsync(string key, string value, CancellationToken ct = default)
    {
        Check(key, "tag");
        _tags[key] = value ?? throw new KeelInputException($"tag '{key}': expected a value");
        return FlushIfFullAsync(ct);
    }

    public async Task<ArtifactEntry> LogArtifactAsync(string localFile, string? path = null, CancellationToken ct = default)
    {
        if (!File.Exists(localFile)) throw new KeelNotFoundException($"artifact file '{localFile}' does not exist");
        await FlushAsync(ct);
        return await transport.UploadAsync(id, path ?? Path.GetFileName(localFile), localFile, ct);
    }

    public async Task FlushAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            while (_pending is not null || Buffered > 0)
            {
                if (_pending is null)
                {
                    // Once made, a batch keeps its items and its key until it is stored: a failed send is resent as it was,
                    // so a batch that was stored but whose answer was lost is skipped by the store rather than logged twice.
                    _pending = new LogBatch { Params = _params, Tags = _tags, Metrics = _metrics, IdempotencyKey = Guid.NewGuid().ToString("N") };
                    (_params, _tags, _metrics) = (new(StringComparer.Ordinal), new(StringComparer.Ordinal), []);
                }
                await transport.LogBatchAsync(id, _pending, ct);
                _pending = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task EndAsync(RunStatus status = RunStatus.Finished, CancellationToken ct = default)
    {
        if (status == RunStatus.Running) throw new KeelInputException("run status: expected finished, failed or killed to end a run");
        await FlushAsync(ct);
        await transport.SetStatusAsync(id, status, options.Time.GetUtcNow(), ct);
        _ended = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_ended) await EndAsync(RunStatus.Finished);
        _gate.Dispose();
    }

    private ValueTask FlushIfFullAsync(CancellationToken ct) => Buffered >= options.BatchSize ? new ValueTask(FlushAsync(ct)) : ValueTask.CompletedTask;

    private static void Check(string key, string what)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 250) throw new KeelInputException($"{what} key '{key}': expected 1 to 250 characters");
    }
}
