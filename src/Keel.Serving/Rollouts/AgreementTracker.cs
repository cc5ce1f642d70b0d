namespace Keel.Serving.Rollouts;

/// <summary>
/// Agreement statistics of shadow pairs: the champion's and the challenger's answers to the same request, handed over together by the
/// shadow worker (the copy carries the champion's outcome), so nothing waits here for its other half.
/// </summary>
internal sealed class AgreementTracker
{
    private long _pairs;
    private long _labelled;
    private long _agreed;
    private long _scored;
    private double _sumDiff;
    private double _maxDiff;

    /// <summary>Counts one pair; a failed half is not a pair.</summary>
    public void Add(ArmOutcome champion, ArmOutcome challenger)
    {
        if (champion.Failed || challenger.Failed) return;
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
