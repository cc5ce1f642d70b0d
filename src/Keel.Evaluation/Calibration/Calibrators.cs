namespace Keel.Evaluation.Calibration;

/// <summary>A map from a model's positive-class probability to a calibrated one, fitted on held-out rows.</summary>
public interface ICalibrator
{
    /// <summary>"sigmoid" or "isotonic".</summary>
    string Method { get; }

    /// <summary>The calibrated probability of each score.</summary>
    double[] Apply(double[] p1);

    /// <summary>The fitted map as stored in a model package (applied the same way by the loaded model).</summary>
    Keel.Core.Models.ProbabilityCalibration State { get; }
}

/// <summary>Fits the calibrators of spec field <c>evaluation.calibrate</c>.</summary>
public static class Calibrators
{
    /// <summary>The methods offered.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["sigmoid", "isotonic"];

    /// <summary>Fits <paramref name="method"/> to scores <paramref name="p1"/> with 0/1 labels <paramref name="truth"/>.</summary>
    public static ICalibrator Fit(string method, int[] truth, double[] p1) => method switch
    {
        "sigmoid" => PlattScaling.Fit(truth, p1),
        "isotonic" => IsotonicCalibration.Fit(truth, p1),
        _ => throw new ArgumentException($"Unknown calibration '{method}'; expected sigmoid or isotonic.", nameof(method)),
    };
}
