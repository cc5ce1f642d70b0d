namespace Keel.Core.PredictionLog;

/// <summary>One answered request: what came in, what went out, which model version and arm answered, and how fast.</summary>
public sealed record PredictionRecord
{
    /// <summary>The arm of a shadow copy: answered by the challenger off the hot path, logged, never returned to the caller.</summary>
    public const string ShadowArm = "shadow";

    /// <summary>What a shadow copy's request id adds to the id of the request it copied (the log's request ids are unique).</summary>
    public const string ShadowSuffix = ".shadow";

    /// <summary>The request a record answered: a shadow copy's is the request it copied, whose id its feedback carries.</summary>
    public static string AnsweredRequest(string requestId, string arm) =>
        arm == ShadowArm && requestId.EndsWith(ShadowSuffix, StringComparison.Ordinal) ? requestId[..^ShadowSuffix.Length] : requestId;

    /// <summary>Unique id of the request (the server assigns it; the Keel-Request-Id header carries it).</summary>
    public required string RequestId { get; init; }
    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset Time { get; init; }
    /// <summary>Registered model name.</summary>
    public required string Model { get; init; }
    /// <summary>Registered version that answered.</summary>
    public required int Version { get; init; }
    /// <summary>Rollout arm, e.g. "champion".</summary>
    public required string Arm { get; init; }
    /// <summary>The endpoint, e.g. "invocations", "v2", "batch".</summary>
    public required string Endpoint { get; init; }
    /// <summary>The deployment that served it; null when served without one (<c>keel serve --model</c>), or logged before the log
    /// recorded deployments.</summary>
    public string? Deployment { get; init; }
    /// <summary>Server-side latency in milliseconds (parse, predict, format).</summary>
    public double LatencyMs { get; init; }
    /// <summary>Number of rows predicted.</summary>
    public int Rows { get; init; }
    /// <summary>The input rows as a JSON array of objects (schema columns only, missing values as null).</summary>
    public required string InputsJson { get; init; }
    /// <summary>The answer as a JSON array, one element per row.</summary>
    public required string OutputsJson { get; init; }
}

/// <summary>The true outcome for a request, arriving later (natural labels).</summary>
/// <param name="RequestId">The request it is about.</param>
/// <param name="OutcomeJson">The outcome as JSON (a class name string or a number).</param>
/// <param name="Time">When it was received.</param>
public sealed record FeedbackRecord(string RequestId, string OutcomeJson, DateTimeOffset Time);

/// <summary>A logged prediction joined with its feedback (oldest first; empty when none came); a shadow copy is joined with the feedback
/// of the request it copied.</summary>
public sealed record LoggedPrediction(PredictionRecord Prediction, IReadOnlyList<FeedbackRecord> Feedback);

/// <summary>A logged request's time, arm and server-side latency.</summary>
public readonly record struct LoggedLatency(DateTimeOffset Time, string Arm, double LatencyMs);

/// <summary>Which logged predictions to list.</summary>
public sealed record PredictionQuery
{
    /// <summary>The requests <paramref name="deployment"/> served, whatever model answered them, and those its champion's model answered
    /// from its creation on that were logged before the log recorded deployments.</summary>
    public static PredictionQuery Of(Keel.Core.Deployments.Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return new() { Model = deployment.ChampionModel, Deployment = deployment.Name, DeploymentCreated = deployment.CreatedAt };
    }

    /// <summary>The requests <paramref name="deployment"/> answered, or those one <paramref name="arm"/> of it answered: the challenger's
    /// include its shadow copies (its answers, never returned), while the deployment's traffic leaves them out.</summary>
    public static PredictionQuery Answered(Keel.Core.Deployments.Deployment deployment, string? arm = null) => Of(deployment) with
    {
        Arms = arm switch { null => null, "challenger" => [arm, PredictionRecord.ShadowArm], _ => [arm] },
        ExcludeArm = arm is null ? PredictionRecord.ShadowArm : null,
    };

    /// <summary>Registered model name (required): without <see cref="Deployment"/>, every request this model answered; with it, the
    /// model whose requests logged before the log recorded deployments count as the deployment's.</summary>
    public required string Model { get; init; }
    /// <summary>Only requests this deployment served (its champion's and its challenger's answers, whatever their model), and those of
    /// <see cref="Model"/> logged before the log recorded deployments. Default null: by model alone.</summary>
    public string? Deployment { get; init; }
    /// <summary>With <see cref="Deployment"/>: when it was created; requests logged before the log recorded deployments count as its
    /// own only from then (an older request cannot be a newer deployment's). Default null: all of them.</summary>
    public DateTimeOffset? DeploymentCreated { get; init; }
    /// <summary>Only this version. Default null: every version.</summary>
    public int? Version { get; init; }
    /// <summary>Only requests at or after this time. Default null: from the start.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>Only requests before this time. Default null: up to now.</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>Only records of these arms (e.g. "challenger"). Default null: every arm.</summary>
    public IReadOnlyList<string>? Arms { get; init; }
    /// <summary>Leave out records of this arm (e.g. <see cref="PredictionRecord.ShadowArm"/>); the limit counts only the
    /// records kept. Default null: every arm.</summary>
    public string? ExcludeArm { get; init; }
    /// <summary>At most this many, oldest first. Default 1000.</summary>
    public int Limit { get; init; } = 1000;
    /// <summary>When more match than <see cref="Limit"/>: the newest that many rather than the oldest (still returned oldest first).
    /// Default false.</summary>
    public bool Newest { get; init; }
    /// <summary>Only requests with feedback (for a shadow copy: feedback on the request it copied), selected in the database, so reading
    /// the outcomes of a long log does not read every request. Default false.</summary>
    public bool WithFeedback { get; init; }
}

/// <summary>The durable prediction log and its feedback, joined by request id; monitoring reads it.</summary>
public interface IPredictionLogStore : IAsyncDisposable
{
    /// <summary>Appends records in one transaction (all or none). A request id already logged is an error.</summary>
    /// <exception cref="KeelInputException">A request id is already in the log.</exception>
    Task AppendAsync(IReadOnlyList<PredictionRecord> records, CancellationToken ct = default);

    /// <summary>Appends encoded records in one transaction (all or none), as <see cref="AppendAsync(IReadOnlyList{PredictionRecord}, CancellationToken)"/>.</summary>
    /// <exception cref="KeelInputException">A request id is already in the log.</exception>
    Task AppendAsync(EncodedPredictions records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return AppendAsync(records.ToRecords(), ct);
    }

    /// <summary>Stores the outcome for a request id; the prediction may be logged before or after it.</summary>
    Task AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct = default);

    /// <summary>The prediction with that request id and its feedback, or null when it is not (yet) logged.</summary>
    Task<LoggedPrediction?> GetAsync(string requestId, CancellationToken ct = default);

    /// <summary>Logged predictions matching <paramref name="query"/>, oldest first, each with its feedback: <see cref="ReadAsync"/>, collected.</summary>
    async Task<IReadOnlyList<LoggedPrediction>> ListAsync(PredictionQuery query, CancellationToken ct = default) => await ReadAsync(query, ct).ToListAsync(ct);

    /// <summary>The same as <see cref="ListAsync"/>, one at a time from one snapshot of the log, so that a reader of millions of
    /// requests need not hold them all. Writers are not blocked while it reads.</summary>
    IAsyncEnumerable<LoggedPrediction> ReadAsync(PredictionQuery query, CancellationToken ct = default);

    /// <summary>When, by which arm and how fast each request <paramref name="query"/> selects was answered, oldest first: what a latency
    /// chart needs, without reading the inputs and answers.</summary>
    IAsyncEnumerable<LoggedLatency> ReadLatenciesAsync(PredictionQuery query, CancellationToken ct = default);
}
