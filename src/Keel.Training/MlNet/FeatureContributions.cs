using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Keel.Training.MlNet;

/// <summary>Runs ML.NET's FeatureContributionCalculator over the prediction transformer of a fitted model (the first one in a chain
/// whose model can explain itself: linear or tree; a calibrated one through its sub-model).</summary>
internal static class FeatureContributions
{
    private const string Output = "FeatureContributions";

    /// <summary>[row][slot] contributions, unnormalised; null when no transformer of <paramref name="transformer"/> can explain itself.</summary>
    public static float[][]? Compute(MLContext ml, ITransformer transformer, IDataView rows, int width)
    {
        var predictor = Predictors(transformer).Select(p => Estimator(ml, p, width)).FirstOrDefault(e => e is not null);
        if (predictor is null) return null;
        var scored = predictor.Fit(rows).Transform(rows);
        return scored.GetColumn<VBuffer<float>>(Output).Select(v =>
        {
            var dense = new float[width];
            v.DenseValues().Take(width).ToArray().CopyTo(dense, 0);
            return dense;
        }).ToArray();
    }

    private static IEnumerable<ITransformer> Predictors(ITransformer t) => t switch
    {
        IEnumerable<ITransformer> chain => chain,
        _ => [t],
    };

    private static IEstimator<ITransformer>? Estimator(MLContext ml, ITransformer t, int width)
    {
        if (t is ISingleFeaturePredictionTransformer<ICalculateFeatureContribution> direct)
            return ml.Transforms.CalculateFeatureContribution(direct, width, width, normalize: false);
        // A calibrated binary model: ML.NET's generic overload for CalibratedModelParametersBase<TModel, TCalibrator>.
        var model = t.GetType().GetProperty("Model")?.GetValue(t);
        var calibrated = Ancestors(model?.GetType()).FirstOrDefault(b => b.IsGenericType && b.GetGenericTypeDefinition() == typeof(CalibratedModelParametersBase<,>));
        if (calibrated is null || !typeof(ICalculateFeatureContribution).IsAssignableFrom(calibrated.GetGenericArguments()[0])) return null;
        var method = typeof(ExplainabilityCatalog).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == nameof(ExplainabilityCatalog.CalculateFeatureContribution) && m.IsGenericMethodDefinition)
            .MakeGenericMethod(calibrated.GetGenericArguments());
        return (IEstimator<ITransformer>)method.Invoke(null, [ml.Transforms, t, width, width, false])!;
    }

    private static IEnumerable<Type> Ancestors(Type? type)
    {
        for (var b = type; b is not null; b = b.BaseType) yield return b;
    }
}
