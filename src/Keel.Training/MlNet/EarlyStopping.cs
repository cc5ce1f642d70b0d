namespace Keel.Training.MlNet;

/// <summary>Early stopping on a loss curve's validation points.</summary>
public static class EarlyStopping
{
    /// <summary>The round with the lowest validation loss, scanning until <paramref name="patience"/> rounds pass without
    /// improvement; null when the curve has no validation points or <paramref name="patience"/> is 0.</summary>
    public static int? BestIteration(LossCurve curve, int patience)
    {
        if (patience <= 0 || curve.Points.Count == 0 || curve.Points[0].Validation is null) return null;
        var best = curve.Points[0];
        foreach (var point in curve.Points)
        {
            if (point.Validation < best.Validation) best = point;
            else if (point.Iteration - best.Iteration >= patience) break;
        }
        return best.Iteration;
    }

    /// <summary>Per boosting round, the validation loss averaged over <paramref name="curves"/> (one per fit, e.g. one per cv fold) in
    /// their order, for the rounds every curve reports; empty when a curve is missing or reports none. The sum runs in the curves'
    /// order, so the mean does not depend on how the fits were scheduled.</summary>
    public static LossCurve MeanValidation(IReadOnlyList<LossCurve?> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0 || curves.Any(c => c is null)) return new LossCurve("", []);
        var perFit = curves.Select(c => c!.Points.Where(p => p.Validation is not null).ToDictionary(p => p.Iteration)).ToArray();
        var points = perFit[0].Keys.Where(k => perFit.All(d => d.ContainsKey(k))).Order()
            .Select(k => new LossPoint(k, perFit.Average(d => d[k].Train), perFit.Average(d => d[k].Validation!.Value))).ToArray();
        return new LossCurve(curves[0]!.Metric, points);
    }
}
