using Keel.Pipeline.Predict;

namespace Keel.Serving.Hosting;

/// <summary>How `keel serve` listens, what it serves and how it logs.</summary>
public sealed record ServeOptions
{
    /// <summary>Address to listen on; beyond loopback the store must hold a bearer token (keel tokens create). Default "127.0.0.1".</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>
    /// Whether /feedback and the admin endpoints need a bearer token. Default null: needed exactly when <see cref="Host"/> is not a loopback
    /// address (then the server refuses to start without a valid token in the store). True asks for tokens on loopback too.
    /// </summary>
    public bool? RequireToken { get; init; }

    /// <summary>TCP port; 0 picks a free one. Default 8080.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>The models to serve. Default none: every registered model at its latest version.</summary>
    public IReadOnlyList<ModelReference> Models { get; init; } = [];

    /// <summary>How often the registry's aliases are polled to follow moves. Default 5 seconds.</summary>
    public TimeSpan AliasPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest accepted request body in bytes (a larger one gets 413). Default 8 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Most rows one request may hold (more gets 413). Default 10,000.</summary>
    public int MaxRowsPerRequest { get; init; } = 10_000;

    /// <summary>The SQLite prediction log file; null (and no <see cref="PredictionLog"/>) turns logging (and /feedback) off. Default null.</summary>
    public string? PredictionLogPath { get; init; }

    /// <summary>
    /// Opens the prediction log, e.g. <c>ct =&gt; PredictionLogStores.OpenAsync(store, ct)</c> for the store's own (its PostgreSQL tables
    /// or the SQLite file beside keel.db); used instead of <see cref="PredictionLogPath"/> when set; the server closes it. Default null.
    /// </summary>
    public Func<CancellationToken, Task<Keel.Core.PredictionLog.IPredictionLogStore>>? PredictionLog { get; init; }

    /// <summary>Predictions waiting to be written; when full, new ones are dropped and counted, requests never wait. Default 10,000.</summary>
    public int PredictionLogQueue { get; init; } = 10_000;

    /// <summary>Most predictions written per transaction. Default 500.</summary>
    public int PredictionLogBatch { get; init; } = 500;

    /// <summary>
    /// How long the log writer lets a batch fill before writing it (a full batch is written at once): fewer, larger
    /// transactions cost far less per prediction. Also the most a queued prediction waits. Default 200 ms.
    /// </summary>
    public TimeSpan PredictionLogFlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);
}
