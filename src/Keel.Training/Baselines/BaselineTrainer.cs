using Keel.Core.Data;

namespace Keel.Training.Baselines;

/// <summary>The random and zero_rule baselines: they look at the labels only.</summary>
internal sealed class BaselineTrainer : ITrainer
{
    private static readonly IReadOnlyDictionary<string, string> NoParams = new Dictionary<string, string>();

    public BaselineTrainer(string type) => Type = type;

    public string Type { get; }
    public bool IsBaseline => true;
    public IReadOnlyDictionary<string, string> EffectiveParams => NoParams;

    public FitResult Fit(TrainingData train, TrainingData? validation, TrainContext context)
    {
        IBaselineState state = Type == "random" ? RandomState.Fit(train.Labels, context.Seed) : ZeroRuleState.Fit(train.Labels);
        var model = new BaselineModel(new ModelHeader(Type, train.Labels.Task, train.Labels.Classes, NoParams), new DataSchema([]), state);
        return new FitResult(model, null);
    }
}
