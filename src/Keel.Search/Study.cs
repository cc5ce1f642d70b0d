using Keel.Core.Search;
using Keel.Search.Pruners;
using Keel.Search.Samplers;

namespace Keel.Search;

/// <summary>How a worker takes part in a study.</summary>
public sealed record StudyOptions
{
    /// <summary>Whether the objective is minimised or maximised. Default <see cref="Direction.Minimize"/>.</summary>
    public Direction Direction { get; init; } = Direction.Minimize;

    /// <summary>A multi-objective study's directions, one per objective, in the order trials tell their values
    /// (<see cref="Trial.CompleteAsync"/>); a sampler that searches for the Pareto front reads them. Default empty: one objective,
    /// <see cref="Direction"/>.</summary>
    public IReadOnlyList<Direction> Directions { get; init; } = [];

    /// <summary>Picks parameter values. Default: TPE with Optuna's defaults.</summary>
    public ISampler Sampler { get; init; } = SamplerFactory.Tpe();

    /// <summary>Stops weak trials. Default: none.</summary>
    public IPruner Pruner { get; init; } = PrunerFactory.None();

    /// <summary>A trial whose worker is silent for longer is stale. Default 60 seconds.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a held trial's heartbeat is refreshed, and how long to wait when others still run; under half the lease. Default 10 seconds.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Clock for heartbeats and waits. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Enqueued trials (Optuna's <c>enqueue_trial</c>): trial number → parameter values it takes instead of sampling them
    /// (parameters it does not name are sampled). Default none.</summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, double>> Enqueued { get; init; } = new Dictionary<int, IReadOnlyDictionary<string, double>>();
}

/// <summary>
/// One worker's handle on a shared study (Optuna's ask/tell): <see cref="AskAsync"/> claims a trial through the store and samples its
/// parameters from the finished trials of its group; the caller trains, reports intermediate losses (which may prune it) and tells the end.
/// </summary>
public sealed class Study
{
    private readonly IStudyStore _store;
    private readonly IReadOnlyDictionary<string, SearchSpace> _spaces;
    private readonly StudyOptions _options;

    /// <param name="store">Where the study's trials live.</param>
    /// <param name="name">The study, already created in the store.</param>
    /// <param name="spaces">The search space of every group of the study.</param>
    /// <param name="worker">This worker's id, unique among workers (e.g. a GUID per process and thread).</param>
    /// <param name="options">Direction, sampler, pruner, lease and clock.</param>
    public Study(IStudyStore store, string name, IReadOnlyDictionary<string, SearchSpace> spaces, string worker, StudyOptions options)
    {
        ArgumentNullException.ThrowIfNull(spaces);
        ArgumentNullException.ThrowIfNull(options);
        if (options.HeartbeatInterval <= TimeSpan.Zero || options.HeartbeatInterval * 2 > options.Lease)
            throw new ArgumentException("the heartbeat interval must be positive and at most half the lease");
        _store = store;
        Name = name;
        _spaces = spaces;
        Worker = worker;
        _options = options;
    }

    /// <summary>The study's name.</summary>
    public string Name { get; }

    /// <summary>This worker's id.</summary>
    public string Worker { get; }

    /// <summary>The options this worker runs with.</summary>
    public StudyOptions Options => _options;

    /// <summary>
    /// Claims the next trial and samples its parameters (a retried stale trial keeps the ones it had); waits while every planned
    /// trial is taken but some still run (one may go stale). Null when the study is done or <paramref name="stopAt"/> passed.
    /// </summary>
    public async Task<Trial?> AskAsync(DateTimeOffset? stopAt, CancellationToken ct)
    {
        while (true)
        {
            var now = _options.Time.GetUtcNow();
            if (stopAt is { } stop && now >= stop) return null;
            var claim = await _store.ClaimTrialAsync(Name, Worker, now, _options.Lease, ct);
            if (claim.Outcome == ClaimOutcome.Done) return null;
            if (claim.Outcome == ClaimOutcome.Wait)
            {
                await Task.Delay(_options.HeartbeatInterval, _options.Time, ct);
                continue;
            }
            var record = claim.Trial!;
            var lease = new TrialLease(Name, record.Number, record.Attempt, Worker);
            if (!_spaces.TryGetValue(record.Group, out var space))
                throw new InvalidOperationException($"study '{Name}' has no search space for group '{record.Group}'");
            var parameters = record.Params;
            if (parameters.Count == 0)
            {
                var history = (await _store.ListTrialsAsync(Name, ct)).Where(t => t.Group == record.Group && t.Number != record.Number).ToArray();
                parameters = Sampling.SampleAll(_options.Sampler, space, record.Number, history, _options.Direction, _options.Enqueued, _options.Directions,
                    (_options.Pruner as ISamplerView) is { } view ? view.Seen : null);
                await _store.SetTrialParamsAsync(lease, parameters, ct);
            }
            return new Trial(this, _store, lease, record with { Params = parameters }, space);
        }
    }

    internal IPruner Pruner => _options.Pruner;
}
