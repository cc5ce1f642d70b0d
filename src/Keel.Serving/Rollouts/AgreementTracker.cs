namespace Keel.Serving.Rollouts;

/// <summary>
/// Pairs champion and challenger answers to the same request (shadow mode) and keeps agreement statistics. Waiting halves are bounded:
/// past <see cref="MaxPending"/> the oldest is dropped, so a challenger that never answers cannot grow memory.
/// </summary>
internal sealed class AgreementTracker
{
    public const int MaxPending = 10_000;

    private readonly Dictionary<string, ArmOutcome> _pending = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private long _pairs;
    private long _labelled;
    private long _agreed;
    private long _scored;
    private double _sumDiff;
    private double _maxDiff;

    public void Add(ArmOutcome o)
    {
        if (o.Failed) return;
        if (_pending.Remove(o.RequestId, out var other))
        {
            if (other.Arm == o.Arm) return; // the same arm twice: not a pair
            Pair(o.Arm == Arm.Champion ? o : other, o.Arm == Arm.Champion ? other : o);
            return;
        }
        if (_pending.Count >= MaxPending)
        {
            while (_order.TryDequeue(out var oldest) && !_pending.Remove(oldest)) { }
        }
        _pending[o.RequestId] = o;
        _order.Enqueue(o.RequestId);
        if (_order.Count > 2 * MaxPending) // ids already paired linger in the queue; compact now and then
        {
            var live = _order.Where(_pending.ContainsKey).ToArray();
            _order.Clear();
            foreach (var id in live) _order.Enqueue(id);
        }
    }

    private void Pair(ArmOutcome champion, ArmOutcome challenger)
    {
        _pairs++;
        if (champion.Label is not null && challenger.Label is not null)
        {
            _labelled++;
            if (string.Equals(champion.Label, challenger.Label, StringComparison.Ordinal)) _agreed++;
        }
        if (double.IsFinite(champion.Score) && double.IsFinite(challenger.Score))
        {
            var d = Math.Abs(challenger.Score - champion.Score);
            _scored++;
            _sumDiff += d;
            _maxDiff = Math.Max(_maxDiff, d);
        }
    }

    public AgreementReport Report() => new(_pairs, _labelled == 0 ? double.NaN : (double)_agreed / _labelled,
        _scored == 0 ? double.NaN : _sumDiff / _scored, _scored == 0 ? double.NaN : _maxDiff);
}
