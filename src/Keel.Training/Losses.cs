namespace Keel.Training;

/// <summary>The losses reported in loss curves; shared with tests so the curve and the model are judged alike.</summary>
internal static class Losses
{
    /// <summary>Probabilities are clipped to [1e-15, 1] as scikit-learn does, so a confident miss stays finite.</summary>
    public const double Epsilon = 1e-15;

    public static double LogLoss(IReadOnlyList<double[]> probabilities, int[] classIndices)
    {
        double sum = 0;
        for (var i = 0; i < classIndices.Length; i++) sum -= Math.Log(Math.Clamp(probabilities[i][classIndices[i]], Epsilon, 1));
        return classIndices.Length == 0 ? 0 : sum / classIndices.Length;
    }

    public static double Rmse(IReadOnlyList<double> predicted, double[] actual)
    {
        double sum = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = predicted[i] - actual[i];
            sum += d * d;
        }
        return actual.Length == 0 ? 0 : Math.Sqrt(sum / actual.Length);
    }
}
