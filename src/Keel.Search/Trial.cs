using Keel.Core.Search;

namespace Keel.Search;

/// <summary>A trial held by this worker: its parameters, a heartbeat that keeps it alive, and the calls that report and end it.</summary>
/// <remarks>Dispose it when done: the heartbeat stops. A trial disposed without an end stays running until its lease runs out,
/// then is retried or skipped by the study's policy, as if its worker had died.</remarks>
public sealed class Trial : IAsyncDisposable
{
    private readonly Study _study;
    private readonly IStudyStore _store;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeat;
    private readonly Dictionary<int, double> _intermediate = new();

    internal Trial(Study study, IStudyStore store, TrialLease lease, TrialRecord record, SearchSpace space)
    {
        _study = study;
        _store = store;
        Lease = lease;
        Record = record;
        Space = space;
        _heartbeat = BeatAsync(_stop.Token);
    }

    /// <summary>Who holds the trial (study, number, attempt, worker).</summary>
    public TrialLease Lease { get; }

    /// <summary>The trial as claimed, with its sampled parameters.</summary>
    public TrialRecord Record { get; }

    /// <summary>The search space of the trial's group.</summary>
    public SearchSpace Space { get; }

    /// <summary>The trial number.</summary>
    public int Number => Lease.Number;

    /// <summary>The trial's group (candidate family).</summary>
    public string Group => Record.Group;

    /// <summary>True once the store said this worker no longer holds the trial (it went stale and was taken over).</summary>
    public bool Lost { get; private set; }

    /// <summary>Parameter values as trainer option strings.</summary>
    public IReadOnlyDictionary<string, string> Options =>
        Space.Params.Where(p => Record.Params.ContainsKey(p.Name)).ToDictionary(p => p.Name, p => p.Distribution.Format(Record.Params[p.Name]), StringComparer.Ordinal);

    /// <summary>
    /// Reports intermediate losses (step → value, lower better), asking the pruner after each step in order, and stores them up to the
    /// step at which the trial should stop; returns that step, or null to go on.
    /// </summary>
    /// <remarks>A batch (a boosting rung trained at once) may run past the step the pruner stops at; the steps after it are not kept,
    /// as a trial reporting step by step (Optuna's) would never have reported them: the pruned trial ends where it was stopped, for
    /// the other trials' pruners and for a sampler that ranks pruned trials by their last step.</remarks>
    public async Task<int?> ReportAsync(IReadOnlyList<KeyValuePair<int, double>> values, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(values);
        var fresh = values.Where(kv => !_intermediate.ContainsKey(kv.Key)).OrderBy(kv => kv.Key).ToArray();
        if (fresh.Length == 0) return null;
        var others = (await _store.ListTrialsAsync(Lease.Study, ct)).Where(t => t.Group == Group && t.Number != Number).ToArray();
        int? stop = null;
        var reported = 0;
        foreach (var (step, value) in fresh)
        {
            _intermediate[step] = value;
            reported++;
            var snapshot = Record with { Intermediate = new Dictionary<int, double>(_intermediate) };
            if (_study.Pruner.ShouldPrune(snapshot, step, others))
            {
                stop = step;
                break;
            }
        }
        if (!await _store.ReportAsync(Lease, fresh[..reported], _study.Options.Time.GetUtcNow(), ct)) Lost = true;
        return stop;
    }

    /// <summary>Ends the trial as complete with its objective value and, in a multi-objective study, its value per objective
    /// (<see cref="StudyOptions.Directions"/>' order); false when this worker no longer held it.</summary>
    public Task<bool> CompleteAsync(double value, IReadOnlyList<double>? values, CancellationToken ct) => EndAsync(TrialState.Complete, value, values, null, ct);

    /// <summary>Ends the trial as pruned.</summary>
    public Task<bool> PruneAsync(CancellationToken ct) => EndAsync(TrialState.Pruned, null, null, null, ct);

    /// <summary>Ends the trial as failed with the reason (not retried: it failed by itself).</summary>
    public Task<bool> FailAsync(string error, CancellationToken ct) => EndAsync(TrialState.Failed, null, null, error, ct);

    /// <summary>Links the trial to its tracked child run.</summary>
    public Task<bool> SetRunAsync(string runId, CancellationToken ct) => _store.SetTrialRunAsync(Lease, runId, ct);

    private async Task<bool> EndAsync(TrialState state, double? value, IReadOnlyList<double>? values, string? error, CancellationToken ct)
    {
        await _stop.CancelAsync();
        await _heartbeat;
        var ok = await _store.FinishTrialAsync(Lease, state, value, values, error, _study.Options.Time.GetUtcNow(), ct);
        if (!ok) Lost = true;
        return ok;
    }

    private async Task BeatAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_study.Options.HeartbeatInterval, _study.Options.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    if (!await _store.HeartbeatTrialAsync(Lease, _study.Options.Time.GetUtcNow(), ct))
                    {
                        Lost = true;
                        return;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A busy database: a missed beat is fine within the lease; the next one tries again.
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops the heartbeat.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _heartbeat;
        _stop.Dispose();
    }
}
