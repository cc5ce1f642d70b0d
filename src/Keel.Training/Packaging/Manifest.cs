using System.Text.Json;
using Keel.Core.Data;
using Keel.Training.Featurization;

namespace Keel.Training.Packaging;

/// <summary>manifest.json of a model package.</summary>
/// <param name="FormatVersion">Package format version; readers reject newer ones.</param>
/// <param name="Type">Trainer type, e.g. "lightgbm".</param>
/// <param name="Task">The task.</param>
/// <param name="Classes">Class names in probability order (empty for regression).</param>
/// <param name="InputSchema">The feature columns the model expects.</param>
/// <param name="EffectiveParams">The trainer's options with defaults filled in.</param>
/// <param name="Featurizer">Learned featurizer state (ML.NET models); null for baselines.</param>
/// <param name="Baseline">A baseline's learned state; null for ML.NET models.</param>
/// <param name="Ridge">A linear regression's intercept and weights; null otherwise (then ML.NET models carry model.zip).</param>
/// <param name="ClassPlatt">A multiclass forest's per-class Platt scaling of its raw scores; null otherwise (and in older packages).</param>
/// <param name="MissingTokens">Raw values the training data read as missing (data.missing plus the defaults); null in packages
/// written before it was recorded or outside a run: readers then use the default tokens.</param>
/// <param name="Decision">A binary model's calibration and decision threshold chosen on validation; null when none (and in older packages).</param>
/// <param name="Ensemble">An ensemble's combination (weights or meta-learner); its members' packages are in model.zip; null otherwise.</param>
internal sealed record Manifest(
    int FormatVersion,
    string Type,
    TaskKind Task,
    IReadOnlyList<string> Classes,
    IReadOnlyList<ColumnSchema> InputSchema,
    IReadOnlyDictionary<string, string> EffectiveParams,
    FeaturizerState? Featurizer,
    JsonElement? Baseline,
    Linear.RidgeState? Ridge = null,
    MlNet.ClassCalibration? ClassPlatt = null,
    IReadOnlyList<string>? MissingTokens = null,
    Keel.Core.Models.DecisionRule? Decision = null,
    Ensembles.EnsembleState? Ensemble = null)
{
    /// <summary>2: featurizers may carry the spec's features transforms (imputation choice, scaling, bins, encodings, crosses);
    /// 3: "dayofweek" may count from Monday (<see cref="ColumnPlan.WeekStartsMonday"/>).</summary>
    public const int CurrentVersion = 3;

    /// <summary>The manifest of a model with <paramref name="header"/>: format version 3 when its featurizer makes a Monday-first
    /// day of week, 2 when it uses a features transform (an older reader would ignore either and featurise differently, so it
    /// must refuse), else 1 as before.</summary>
    public static Manifest For(ModelHeader header, DataSchema inputSchema, FeaturizerState? featurizer, JsonElement? baseline) =>
        new(MondayFirst(featurizer) ? 3 : Engineered(featurizer) ? 2 : 1, header.Type, header.Task, header.Classes, inputSchema.Columns,
            header.EffectiveParams, featurizer, baseline);

    private static bool MondayFirst(FeaturizerState? featurizer) => featurizer?.Columns.Any(c =>
        c.WeekStartsMonday && (c.DateParts ?? Keel.Training.Featurization.Featurizer.AllDateParts).Contains("dayofweek")) == true;

    private static bool Engineered(FeaturizerState? featurizer) => featurizer?.Columns.Any(c =>
        c.Impute is not null || c.Scale is not null || c.Bins is not null || c.Encoding is not null || c.Cross is not null || c.Target is not null) == true;

    /// <summary>The header fields of this manifest.</summary>
    public ModelHeader Header => new(Type, Task, Classes, EffectiveParams);
}
