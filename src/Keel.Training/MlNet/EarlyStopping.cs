namespace Keel.Training.MlNet;

/// <summary>Early stopping on a loss curve's validation points.</summary>
internal static class EarlyStopping
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
}
