using System.Collections.Concurrent;
using System.Threading.Channels;
using Keel.Core;
using Keel.Core.Artifacts;
using Keel.Core.Data;
using Keel.Core.Deployments;
using Keel.Core.Models;
using Keel.Core.PredictionLog;
using Keel.Core.Registry;
using Keel.Data.Binding;
using Keel.Pipeline.Predict;
using Keel.Serving.Rollouts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Hosting;

/// <summary>What <c>keel serve --deployment FILE</c> serves: the parsed file, its text and the store that keeps the deployment's state.</summary>
/// <param name="File">The parsed deployment file.</param>
/// <param name="Text">The file's text (stored as the deployment's spec version).</param>
/// <param name="Store">Where the deployment and its state changes are recorded.</param>
public sealed record DeploymentServeOptions(DeploymentFile File, string Text, IDeploymentStore Store)
{
    /// <summary>Routing randomness. Default null: one seeded with the file's seed.</summary>
    public Random? Random { get; init; }

    /// <summary>
    /// Most shadow copies waiting for the shadow worker (rounded up to a power of two); further ones are dropped and counted, the answer never
    /// waits. Default 256.
    /// </summary>
    public int MaxShadowInFlight { get; init; } = 256;

    /// <summary>
    /// Most rows of a request its waiting shadow copy holds as copied values (in slots allocated once); a larger request's copy keeps the
    /// request's rows instead. Default 16.
    /// </summary>
    public int ShadowSlotRows { get; init; } = 16;

    /// <summary>
    /// Longest pause of the shadow worker after one batch (see <see cref="ShadowBusyShare"/>), so a slow batch (the first, compiled as it
    /// runs) does not stop it for seconds. Default 100 ms: a 128-row batch takes 1–2 ms, so under load the pause is 20–40 ms and the share
    /// holds; a cap that binds under load (20 ms was measured) lets the worker take more than its share and the answers' collections get longer.
    /// </summary>
    public TimeSpan ShadowMaxPause { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Most copied rows the shadow worker scores with one challenger call. Default 128 (small batches run row by row on pooled engines).</summary>
    public int ShadowBatchRows { get; init; } = 128;

    /// <summary>
    /// Share of one core the shadow worker may keep busy (0.01 to 1); it sleeps between batches to stay under it, so under load shadow
    /// copies take at most this from the answers and the rest are dropped. Default 0.05: with the log records of the copies it
    /// answers (written by the log writer, outside this share), a saturated two-core server spends about a tenth of its CPU on shadowing.
    /// </summary>
    public double ShadowBusyShare { get; init; } = 0.05;

    /// <summary>The actor recorded for the server's own changes (creation, start). Default "keel serve".</summary>
    public string Actor { get; init; } = "keel serve";

    /// <summary>How often the store's state is read to follow changes made elsewhere (the CLI, another replica). Default 5 seconds.</summary>
    public TimeSpan StatePollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Called before an arm predicts, with the arm's name (champion, challenger, shadow); it may throw or wait. For fault drills and tests
    /// (a challenger that fails or slows). Default null: nothing.
    /// </summary>
    public Action<string>? BeforePredict { get; init; }

    /// <summary>Recent request ids remembered with their arm (A/B and bandit), so feedback reaches the policy before the log is written. Default 100,000.</summary>
    public int RememberedRequests { get; init; } = 100_000;

    /// <summary>Answers waiting to be queued for review; when full, further ones are dropped, counted and logged. Default 10,000.</summary>
    public int ReviewQueue { get; init; } = 10_000;
}

/// <summary>
/// A served deployment: the routing policy built from the file and the stored state, the challenger model, and a background service that
/// appends every <see cref="RolloutChange"/> and review item to the store in order (requests never wait for the store) and follows state
/// changed elsewhere (CLI, other replicas) by polling the store.
/// </summary>
internal sealed class DeploymentRuntime : BackgroundService
{
    private readonly Channel<RolloutChange> _changes = Channel.CreateUnbounded<RolloutChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<ReviewItem> _reviews;
    private readonly DeploymentServeOptions _options;
    private readonly IModelRegistry _registry;
    private readonly IArtifactStore _artifacts;
    private readonly TimeProvider _time;
    private readonly ILogger<DeploymentRuntime> _log;
    private readonly ConcurrentDictionary<string, (Arm Arm, int Version, string[]? Labels)> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _routeOrder = new();
    private readonly bool _remember;
    private readonly SemaphoreSlim _sync = new(1, 1);
    private volatile LoadedModel? _challenger;
    private int _fileVersionWarned;
    private int _pendingChanges;
    private readonly Lock _shadowStart = new();
    private ShadowWorker? _shadows;

    private DeploymentRuntime(DeploymentServeOptions options, IRoutingPolicy policy, LoadedModel? challenger, IModelRegistry registry, IArtifactStore artifacts,
        TimeProvider time, ILogger<DeploymentRuntime> log)
    {
        _options = options;
        Policy = policy;
        _challenger = challenger;
        _registry = registry;
        _artifacts = artifacts;
        _time = time;
        _log = log;
        PostProcessor = PostProcessor.Create(options.File);
        _remember = options.File.Strategy.Kind is StrategyKind.Ab or StrategyKind.Bandit;
        _reviews = Channel.CreateBounded<ReviewItem>(new BoundedChannelOptions(Math.Max(1, options.ReviewQueue))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        });
    }

    public DeploymentFile File => _options.File;

    /// <summary>The champion's registered name: the catalog serves it (and follows its alias).</summary>
    public string ChampionName => File.Champion.Name;

    /// <summary>The registered models the deployment routes between (the champion's, and the challenger's when it names another).</summary>
    public IReadOnlyList<string> Models => new[] { File.Champion.Name, File.Challenger?.Name }.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();

    public IRoutingPolicy Policy { get; }

    /// <summary>The deployment's post-processing rules (checked against both models at start).</summary>
    public PostProcessor PostProcessor { get; }

    /// <summary>The store that keeps the deployment (admin endpoints, feedback).</summary>
    public IDeploymentStore Store => _options.Store;

    /// <summary>
    /// The challenger, loaded and verified beside the champion; null when the file has none. Its alias is resolved at start and again each
    /// time a state changed elsewhere is adopted; a request reads this once, so it never mixes two challengers.
    /// </summary>
    public LoadedModel? Challenger => _challenger;

    /// <summary>The header the sticky routing key is read from, or null.</summary>
    public string? KeyHeader => File.RoutingKey?.Header;

    /// <summary>The input field the sticky routing key is read from, or null.</summary>
    public string? KeyField => File.RoutingKey?.Field;

    /// <summary>The fault hook (tests, drills), or null.</summary>
    public Action<string>? BeforePredict => _options.BeforePredict;

    /// <summary>
    /// Loads the challenger, checks the post-processing rules against both models, creates or updates the deployment in the store, builds the
    /// policy from the stored state and starts it when new.
    /// </summary>
    public static async Task<DeploymentRuntime> CreateAsync(DeploymentServeOptions options, LoadedModel champion, IModelRegistry registry, IArtifactStore artifacts,
        TimeProvider time, ILogger<DeploymentRuntime> log, CancellationToken ct)
    {
        var file = options.File;
        var challenger = file.Challenger is { } c ? await LoadChallengerAsync(c, registry, artifacts, ct) : null;
        if (challenger is not null)
            log.LogInformation("Loaded challenger {Reference} as version {Version} ({Candidate})", file.Challenger, challenger.Version.Version, challenger.Version.Candidate);
        var post = PostProcessor.Create(file);
        CheckRules(post, champion);
        if (challenger is not null) CheckRules(post, challenger);
        CheckOutcome(file, champion);
        if (challenger is not null) CheckOutcome(file, challenger);
        var store = options.Store;
        await store.ApplyAsync(RoutingPolicies.ToDeployment(file, options.Text), options.Actor, ct);
        var stored = await store.GetAsync(file.Endpoint, ct) ?? throw new KeelNotFoundException($"deployment '{file.Endpoint}' vanished from the store.");
        var policy = RoutingPolicies.Create(file, stored.State, time, options.Random);
        if (stored.State.Phase == RolloutPhase.Created && file.Challenger is not null)
        {
            var start = policy.Start(options.Actor);
            await store.ChangeStateAsync(file.Endpoint, start.Kind, start.To, start.Actor, start.Reason, ct);
        }
        log.LogInformation("Deployment {Endpoint}: {Strategy}, {Phase}, challenger {Percent}%", file.Endpoint, stored.Strategy, policy.State.Phase, policy.State.ChallengerPercent);
        return new DeploymentRuntime(options, policy, challenger, registry, artifacts, time, log);
    }

    private static async Task<LoadedModel> LoadChallengerAsync(Keel.Pipeline.Predict.ModelReference c, IModelRegistry registry, IArtifactStore artifacts, CancellationToken ct)
    {
        var version = await ModelLoader.ResolveAsync(registry, c, ct);
        return await ModelLoader.LoadAsync(artifacts, version, ct);
    }

    /// <summary>
    /// Gives the policy the feedback its current attempt received before this server started: an A/B test's outcomes and a bandit's rewards
    /// are kept in memory, so a restart would otherwise begin the test again. Reads the deployment's logged requests since the attempt's
    /// start event with their latest outcomes (the current challenger version's only: see <see cref="FeedbackEndpoint.Observe"/>); returns how
    /// many outcomes reached the policy.
    /// </summary>
    public async Task<int> ReplayFeedbackAsync(IPredictionLogStore log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (File.Strategy.Kind is not (StrategyKind.Ab or StrategyKind.Bandit) || Policy.State.Phase != RolloutPhase.Running) return 0;
        var d = await Store.GetAsync(File.Endpoint, ct);
        var started = (await Store.GetHistoryAsync(File.Endpoint, ct)).LastOrDefault(e => e.Kind == DeploymentEventKind.Start)?.At;
        if (d is null || started is null) return 0;
        // An A/B test starts again on both arms when another version becomes the challenger (it compares the arms over the same time):
        // from the alias's move to the current version, when that came later.
        var from = started.Value;
        if (File.Strategy.Kind == StrategyKind.Ab && File.Challenger is { Alias: { } alias } named && _challenger is { } current
            && (await _registry.GetAliasHistoryAsync(named.Name, ct)).LastOrDefault(e => e.Alias == alias && e.ToVersion == current.Version.Version) is { } moved
            && moved.At > from)
            from = moved.At;
        var query = PredictionQuery.Answered(d) with { From = from, Limit = int.MaxValue, WithFeedback = true };
        var replayed = 0;
        await foreach (var logged in log.ReadAsync(query, ct))
        {
            var p = logged.Prediction;
            if (logged.Feedback.Count == 0) continue;
            using var outcome = System.Text.Json.JsonDocument.Parse(logged.Feedback[^1].OutcomeJson);
            var root = outcome.RootElement;
            var rows = root.ValueKind == System.Text.Json.JsonValueKind.Array ? root.EnumerateArray().ToArray() : [root];
            for (var row = 0; row < rows.Length; row++)
            {
                if (!FeedbackEndpoint.IsValue(rows[row])) continue;
                try
                {
                    if (FeedbackEndpoint.Observe(this, p.RequestId, FeedbackEndpoint.Text(rows[row]), logged, row) is not null) replayed++;
                }
                catch (Keel.Serving.Requests.RequestException)
                {
                    // An outcome the policy cannot read (refused when it came, so not normally logged): it counts for nothing.
                }
            }
        }
        if (replayed > 0)
            _log.LogInformation("Deployment {Endpoint}: {Count} feedback outcomes of this attempt (since {From:u}) read again from the prediction log", File.Endpoint, replayed, from);
        return replayed;
    }

    /// <summary>Outcomes judged by whether the answer was right need answers with a label: a classifier.</summary>
    private static void CheckOutcome(DeploymentFile file, LoadedModel model)
    {
        if (file.Strategy.Outcome == OutcomeKind.Correct && file.Strategy.Kind is StrategyKind.Ab or StrategyKind.Bandit && model.Task == TaskKind.Regression)
            throw new KeelInputException($"strategy.{DeploymentFileReader.Name(file.Strategy.Kind)}.outcome 'correct' needs a classifier's labels, but model '{model.Name}' "
                + $"version {model.Version.Version} is a regression model; expected outcome binary or (A/B) numeric, a figure the caller sends as feedback.");
    }

    /// <summary>Applies the rules to one all-missing row of the model, so a rule that does not fit (unknown class, column, a clamp on a classifier) stops the start.</summary>
    private static void CheckRules(PostProcessor post, LoadedModel model)
    {
        if (post.IsEmpty) return;
        var builder = new SchemaBoundTableBuilder(model.InputSchema, 1, model.Binding with { Source = "rule check" });
        for (var c = 0; c < model.InputSchema.Columns.Count; c++) builder.MarkPresent(c);
        var row = builder.Build();
        try
        {
            post.Apply(row, model.Predict(row));
        }
        catch (KeelInputException e)
        {
            throw new KeelInputException($"{e.Message} (model '{model.Name}' version {model.Version.Version})", e);
        }
    }

    /// <summary>Hands an arm's outcome to the policy and queues the change it makes, if any.</summary>
    public void Observe(ArmOutcome outcome)
    {
        if (Policy.Observe(outcome) is { } change) Record(change);
    }

    /// <summary>Hands a shadow copy's pair to the policy (agreement, the challenger's guards) and queues the change it makes, if any.</summary>
    public void ObserveShadow(ArmOutcome champion, ArmOutcome challenger)
    {
        if (Policy.ObserveShadow(champion, challenger) is { } change) Record(change);
    }

    /// <summary>Queues a change the policy made (or was asked to make) for the store, in order.</summary>
    public void Record(RolloutChange change)
    {
        Interlocked.Increment(ref _pendingChanges);
        _changes.Writer.TryWrite(change);
    }

    /// <summary>Remembers which arm (and model version) answered a request, for feedback (A/B and bandit only; bounded, oldest forgotten
    /// first), and, when outcomes are judged by whether the answer was right, the label it answered per row.</summary>
    public void Remember(string requestId, Arm arm, int version, Predictions answer)
    {
        if (!_remember) return;
        _routes[requestId] = (arm, version, File.Strategy.Outcome == OutcomeKind.Correct ? Labels(answer) : null);
        _routeOrder.Enqueue(requestId);
        while (_routeOrder.Count > _options.RememberedRequests && _routeOrder.TryDequeue(out var old)) _routes.TryRemove(old, out _);
    }

    /// <summary>The arm and model version that answered <paramref name="requestId"/> and, for correct outcomes, its label per row, when
    /// remembered.</summary>
    public bool TryAnswerOf(string requestId, out Arm arm, out int version, out IReadOnlyList<string>? labels)
    {
        var known = _routes.TryGetValue(requestId, out var route);
        (arm, version, labels) = (route.Arm, route.Version, route.Labels);
        return known;
    }

    /// <summary>The class answered per row; null for regression.</summary>
    private static string[]? Labels(Predictions p) => p.Probabilities is null ? null : [.. p.PredictedClassIndices().Select(k => p.Classes[k])];

    /// <summary>Queues answers for review off the hot path; a full queue drops them (counted, logged).</summary>
    public void QueueReview(ReviewItem item)
    {
        if (_reviews.Writer.TryWrite(item)) return;
        _log.LogWarning("Review queue full: request {RequestId} was not queued for review", item.RequestId);
    }

    /// <summary>
    /// Queues a shadow copy for the shadow worker unless <see cref="DeploymentServeOptions.MaxShadowInFlight"/> copies are waiting (then
    /// false: dropped and counted, nothing runs). The worker, started by the first copy, scores batches with <paramref name="score"/>.
    /// </summary>
    /// <param name="copy">The copy; its values are copied into the queue, so the request's objects are not kept.</param>
    /// <param name="byReference">Keep the copy's rows and body instead (a challenger whose input schema differs binds the body itself).</param>
    /// <param name="score">Scores a batch on the worker's thread.</param>
    public bool TryShadow(in ShadowCopy copy, bool byReference, Action<IReadOnlyList<ShadowCopy>> score)
    {
        var shadows = Volatile.Read(ref _shadows) ?? StartShadows(score);
        return shadows.TryQueue(copy, byReference);
    }

    private ShadowWorker StartShadows(Action<IReadOnlyList<ShadowCopy>> score)
    {
        lock (_shadowStart)
        {
            return _shadows ??= new ShadowWorker(new ShadowPacing(_options.MaxShadowInFlight, _options.ShadowBatchRows, _options.ShadowBusyShare, _options.ShadowMaxPause, _options.ShadowSlotRows), batch =>
            {
                try
                {
                    score(batch);
                }
                catch (Exception e)
                {
                    _log.LogWarning(e, "Shadow batch of {Count} copies failed: {Message}", batch.Count, e.Message);
                }
            }, "keel-shadow");
        }
    }

    /// <summary>The policy's report, with the shadow copies dropped so far in the agreement figures.</summary>
    public RolloutReport Report()
    {
        var report = Policy.Report();
        return report.Agreement is { } a ? report with { Agreement = a with { Dropped = _shadows?.Dropped ?? 0 } } : report;
    }

    /// <summary>The outcome's score for guards and agreement: positive-class (second class) probability for binary, highest probability for
    /// multiclass (then <c>Multiclass</c>), the value for regression; first row.</summary>
    public static (double Score, string? Label, bool Multiclass) ScoreOf(Predictions p)
    {
        if (p.Count == 0) return (double.NaN, null, false);
        if (p.Probabilities is { } probabilities)
        {
            var k = p.PredictedClassIndices()[0];
            var row = probabilities[0];
            return (row.Length == 2 ? row[1] : row[k], p.Classes[k], row.Length > 2);
        }
        return (p.Values![0], null, false);
    }

    /// <summary>
    /// Reads the deployment's state from the store and adopts it when it differs from the policy's (a change made elsewhere), resolving the
    /// challenger's alias again first. Skipped while this server's own changes wait to be written, so it never adopts its own stale state.
    /// </summary>
    /// <returns>Whether a state was adopted.</returns>
    public async Task<bool> SyncAsync(CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            if (Volatile.Read(ref _pendingChanges) > 0) return false;
            var stored = await Store.GetAsync(File.Endpoint, ct);
            if (stored is not null && stored.SpecVersion != _fileVersionWarned && !string.Equals(stored.SpecText, _options.Text, StringComparison.Ordinal))
            {
                // Guards, strategy and rules are the file this server was started with; a newer stored version takes effect on restart.
                _fileVersionWarned = stored.SpecVersion;
                _log.LogWarning("Deployment {Endpoint}: the store holds file version {Version}, which differs from the file this server runs; " +
                    "restart keel serve --deployment with it to use it", File.Endpoint, stored.SpecVersion);
            }
            if (stored is null || Volatile.Read(ref _pendingChanges) > 0 || stored.State == Policy.State) return false;
            await FollowChallengerAsync(ct);
            var before = Policy.State;
            Policy.Adopt(stored.State);
            _log.LogWarning("Deployment {Endpoint}: following the store: {From} at {FromPercent}% ({FromMode}) to {Phase} at {Percent}% ({Mode})", File.Endpoint,
                before.Phase, before.ChallengerPercent, before.Mode, stored.State.Phase, stored.State.ChallengerPercent, stored.State.Mode);
            // Re-armed elsewhere (`keel retrain` after a new challenger version): started here as when a server loads a created deployment.
            if (stored.State.Phase == RolloutPhase.Created && File.Challenger is not null && _challenger is not null) Record(Policy.Start(_options.Actor));
            return true;
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>Resolves the challenger's alias again and loads the version it names now, when it moved; a failure keeps the loaded one.</summary>
    public async Task FollowChallengerAsync(CancellationToken ct)
    {
        if (File.Challenger is not { Alias: not null } reference) return;
        try
        {
            var version = await ModelLoader.ResolveAsync(_registry, reference, ct);
            if (_challenger is { } current && current.Version.Version == version.Version) return;
            var loaded = await ModelLoader.LoadAsync(_artifacts, version, ct);
            CheckRules(PostProcessor, loaded);
            CheckOutcome(File, loaded);
            var replaced = _challenger is not null;
            _challenger = loaded;
            // What was learnt of the version before (guard window, A/B outcomes, bandit rewards) must not judge this one.
            if (replaced) Policy.ChallengerReplaced();
            _log.LogInformation("Deployment {Endpoint}: challenger {Reference} now version {Version}", File.Endpoint, reference, version.Version);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogError(e, "Deployment {Endpoint}: could not resolve challenger {Reference}: {Message}; keeping version {Version}",
                File.Endpoint, reference, e.Message, _challenger?.Version.Version);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(WriteChangesAsync(), WriteReviewsAsync(), FollowStoreAsync(stoppingToken));

    private async Task WriteChangesAsync()
    {
        // Drains every queued change, also after a stop was asked, so no recorded rollback is lost on a graceful stop.
        await foreach (var change in _changes.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await _options.Store.ChangeStateAsync(File.Endpoint, change.Kind, change.To, change.Actor, change.Reason, CancellationToken.None);
                _log.LogWarning("Deployment {Endpoint}: {Kind} to {Phase} at {Percent}% ({Reason})", File.Endpoint, change.Kind, change.To.Phase, change.To.ChallengerPercent, change.Reason);
            }
            catch (Exception e)
            {
                _log.LogError(e, "Could not record {Kind} of deployment {Endpoint}: {Message}", change.Kind, File.Endpoint, e.Message);
            }
            finally
            {
                Interlocked.Decrement(ref _pendingChanges);
            }
        }
    }

    private async Task WriteReviewsAsync()
    {
        await foreach (var item in _reviews.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await _options.Store.EnqueueReviewAsync(item, CancellationToken.None);
            }
            catch (Exception e)
            {
                _log.LogError(e, "Could not queue request {RequestId} for review: {Message}", item.RequestId, e.Message);
            }
        }
    }

    private async Task FollowStoreAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.StatePollInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SyncAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.LogError(e, "Deployment {Endpoint}: could not read its state from the store: {Message}", File.Endpoint, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _changes.Writer.TryComplete();
        _reviews.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Ends the shadow worker (queued copies are scored first), then releases the adoption lock.</summary>
    public override void Dispose()
    {
        _shadows?.Dispose();
        _sync.Dispose();
        base.Dispose();
    }
}
