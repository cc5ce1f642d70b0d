using System.Text;
using Keel.Core.Search;

namespace Keel.Search.Pruners;

/// <summary>Options of the Hyperband pruner; the defaults are Optuna's, except the minimum resource (10 boosting rounds, as
/// <see cref="SuccessiveHalvingOptions"/>).</summary>
public sealed record HyperbandOptions
{
    /// <summary>The study's name: a trial's bracket is a hash of "NAME_NUMBER", as Optuna's.</summary>
    public required string StudyName { get; init; }

    /// <summary>Steps (boosting rounds) before the first rung of the most aggressive bracket. Default 10.</summary>
    public int MinResource { get; init; } = 10;

    /// <summary>The most steps a trial takes; null (the default, Optuna's "auto"): the last step of the first trial to complete, plus 1.</summary>
    public int? MaxResource { get; init; }

    /// <summary>About 1/ReductionFactor of a bracket's trials pass each of its rungs. Default 3.</summary>
    public int ReductionFactor { get; init; } = 3;
}

/// <summary>
/// Hyperband as Optuna 3.1's <c>HyperbandPruner</c>: floor(log_η(max / min)) + 1 brackets, bracket s running successive halving
/// with its first rung at min × η^s (<see cref="SuccessiveHalvingPruner"/> with that early-stopping rate) among the trials of its
/// bracket only. A trial's bracket is CRC-32 of "STUDY_NUMBER" modulo the brackets' total allocation, each bracket s allotted
/// ceil(n η^(n−1−s) / (n − s)) (more trials to the aggressive brackets, as in Li et al. 2018). With the maximum resource left to
/// "auto", nothing is pruned until a trial has completed (Optuna sizes the brackets by the first complete trial's last step).
/// </summary>
internal sealed class HyperbandPruner : IPruner, ISamplerView
{
    private readonly HyperbandOptions _options;

    public HyperbandPruner(HyperbandOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MinResource < 1) throw new ArgumentException($"minimum resource {options.MinResource}: expected at least 1");
        if (options.ReductionFactor < 2) throw new ArgumentException($"reduction factor {options.ReductionFactor}: expected at least 2");
        if (options.MaxResource is < 1) throw new ArgumentException($"maximum resource {options.MaxResource}: expected at least 1");
        _options = options;
    }

    public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> others)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(others);
        var first = FirstComplete([.. others, trial]);
        if (Allocation(first) is not { Length: > 0 } budgets) return false;
        var bracket = BracketOf(trial.Number, budgets);
        var halving = new SuccessiveHalvingPruner(new SuccessiveHalvingOptions
        {
            MinResource = _options.MinResource,
            ReductionFactor = _options.ReductionFactor,
            MinEarlyStoppingRate = bracket,
        });
        // With "auto", Optuna's pruner judged no rung before it sized the brackets, after the first trial completed: the trials that
        // had ended by then hold no rung values and do not compete.
        var sizedAfter = _options.MaxResource is null ? first : null;
        return halving.ShouldPrune(trial, step, others.Where(t => BracketOf(t.Number, budgets) == bracket && (sizedAfter is null || EndedAfter(t, sizedAfter))).ToArray());
    }

    /// <summary>The first trial to complete with reported steps (by end time, then number), which sizes "auto" brackets.</summary>
    private static TrialRecord? FirstComplete(IEnumerable<TrialRecord> trials) =>
        trials.Where(t => t.State == TrialState.Complete && t.Intermediate.Count > 0).OrderBy(t => t.EndedAt ?? DateTimeOffset.MaxValue).ThenBy(t => t.Number).FirstOrDefault();

    private static bool EndedAfter(TrialRecord t, TrialRecord first) =>
        (t.EndedAt ?? DateTimeOffset.MaxValue, t.Number).CompareTo((first.EndedAt ?? DateTimeOffset.MaxValue, first.Number)) > 0;

    /// <summary>The trials of <paramref name="trial"/>'s bracket, as Optuna shows its sampler; all of them while the brackets were not yet
    /// sized when it was sampled (Optuna sizes them at its first judgement, or with "auto" the first after a trial completed, and a
    /// trial is sampled before it reports).</summary>
    public IReadOnlyList<TrialRecord> Seen(int trial, IReadOnlyList<TrialRecord> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var judged = trials.Where(t => t.Number != trial && t.Intermediate.Count > 0);
        var first = FirstComplete(trials);
        var sized = _options.MaxResource is not null ? judged.Any() : first is not null && judged.Any(t => EndedAfter(t, first));
        if (!sized || Allocation(first) is not { Length: > 0 } budgets) return trials;
        var bracket = BracketOf(trial, budgets);
        return trials.Where(t => BracketOf(t.Number, budgets) == bracket).ToArray();
    }

    /// <summary>The bracket of trial <paramref name="number"/> given the trials so far (0 before the brackets are sized).</summary>
    public int Bracket(int number, IReadOnlyList<TrialRecord> trials) => Allocation(FirstComplete(trials)) is { Length: > 0 } budgets ? BracketOf(number, budgets) : 0;

    /// <summary>Each bracket's trial allocation, or null while "auto" has no complete trial (<paramref name="first"/>, see
    /// <see cref="FirstComplete"/>) to size the brackets by.</summary>
    private int[]? Allocation(TrialRecord? first)
    {
        var max = _options.MaxResource;
        if (max is null)
        {
            if (first is null) return null;
            max = first.Intermediate.Keys.Max() + 1;
        }
        // Python's math.log(x, base) divides the two natural logarithms.
        var n = (int)Math.Floor(Math.Log((double)max.Value / _options.MinResource) / Math.Log(_options.ReductionFactor)) + 1;
        if (n < 1) return [];
        return Enumerable.Range(0, n).Select(bracket =>
        {
            var s = n - 1 - bracket;
            return (int)Math.Ceiling(n * Math.Pow(_options.ReductionFactor, s) / (s + 1));
        }).ToArray();
    }

    private int BracketOf(int number, int[] budgets)
    {
        var left = (long)(Crc32(Encoding.UTF8.GetBytes($"{_options.StudyName}_{number}")) % (uint)budgets.Sum());
        for (var bracket = 0; bracket < budgets.Length; bracket++)
        {
            left -= budgets[bracket];
            if (left < 0) return bracket;
        }
        throw new InvalidOperationException("unreachable: the hash is below the total allocation");
    }

    /// <summary>CRC-32 as zlib's (Python's binascii.crc32): reflected polynomial 0xEDB88320, initial and final XOR all ones.</summary>
    internal static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
