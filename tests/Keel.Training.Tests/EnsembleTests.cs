using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Training.Ensembles;

namespace Keel.Training.Tests;

public sealed class EnsembleTests
{
    private static ModelSpec Member(string type) => TestData.FastSpec(type, TaskKind.Binary) with { Rules = [] };

    private static ModelSpec Ensemble(string type, params string[] members) => new()
    {
        Type = type,
        Members = members.Select(Member).ToArray(),
        Options = type == "bagging" ? new Dictionary<string, string> { ["n"] = "3" } : new Dictionary<string, string>(),
    };

    private static FitResult Fit(ModelSpec spec, TaskKind task)
    {
        var (train, _) = TestData.Split(TestData.ForTask(task));
        return TrainerCatalog.Create(spec, task, 0).Fit(train, null, TestData.Context());
    }

    private static IFittedModel Reload(IFittedModel model)
    {
        using var ms = new MemoryStream();
        model.Save(ms);
        ms.Position = 0;
        return ModelPackage.Load(ms);
    }

    [Theory]
    [InlineData(TaskKind.Binary)]
    [InlineData(TaskKind.Multiclass)]
    [InlineData(TaskKind.Regression)]
    public void Voting_AnyTask_EqualsMeanOfMembersExactly(TaskKind task)
    {
        var (_, test) = TestData.Split(TestData.ForTask(task));
        var model = (EnsembleModel)Fit(Ensemble("voting", "lightgbm", "linear"), task).Model;

        var p = model.Predict(test.Features);
        var a = model.Members[0].Predict(test.Features);
        var b = model.Members[1].Predict(test.Features);

        Assert.Equal(["lightgbm", "linear"], model.State.Members);
        for (var i = 0; i < p.Count; i++)
        {
            if (task == TaskKind.Regression) Assert.Equal((a.Values![i] + b.Values![i]) / 2, p.Values![i]);
            else
            {
                for (var k = 0; k < p.Classes.Count; k++) Assert.Equal((a.Probabilities![i][k] + b.Probabilities![i][k]) / 2, p.Probabilities![i][k]);
            }
        }
    }

    [Fact]
    public void Voting_Weights_WeightedMean()
    {
        var (_, test) = TestData.Split(TestData.Credit());
        var spec = Ensemble("voting", "lightgbm", "linear") with { Options = new Dictionary<string, string> { ["weights"] = "3,1" } };
        var model = (EnsembleModel)Fit(spec, TaskKind.Binary).Model;

        var p = model.Predict(test.Features).Probabilities!;
        var a = model.Members[0].Predict(test.Features).Probabilities!;
        var b = model.Members[1].Predict(test.Features).Probabilities!;

        for (var i = 0; i < p.Length; i++) Assert.Equal((3 * a[i][1] + b[i][1]) / 4, p[i][1]);
    }

    [Theory]
    [InlineData("voting", TaskKind.Binary)]
    [InlineData("stacking", TaskKind.Binary)]
    [InlineData("stacking", TaskKind.Multiclass)]
    [InlineData("stacking", TaskKind.Regression)]
    [InlineData("bagging", TaskKind.Multiclass)]
    [InlineData("bagging", TaskKind.Regression)]
    public void SaveLoad_Ensemble_PredictsToTheBit(string type, TaskKind task)
    {
        var (_, test) = TestData.Split(TestData.ForTask(task));
        var spec = type == "bagging" ? Ensemble(type, "fasttree") : Ensemble(type, "lightgbm", "linear");
        var model = Fit(spec, task).Model;

        var loaded = Reload(model);

        Assert.Equal(type, loaded.Type);
        Assert.Equal(model.InputSchema.Columns, loaded.InputSchema.Columns);
        var before = model.Predict(test.Features);
        var after = loaded.Predict(test.Features);
        if (task == TaskKind.Regression) Assert.Equal(before.Values, after.Values);
        else Assert.Equal(before.Probabilities!.SelectMany(r => r), after.Probabilities!.SelectMany(r => r));
    }

    [Fact]
    public void Stacking_Binary_BeatsOrTiesWorstMemberAndIsCalibratedProbability()
    {
        var (_, test) = TestData.Split(TestData.Credit());
        var model = (EnsembleModel)Fit(Ensemble("stacking", "lightgbm", "linear"), TaskKind.Binary).Model;

        var auc = TestData.Auc(model.Predict(test.Features), test.Labels.ClassIndices!);
        var members = model.Members.Select(m => TestData.Auc(m.Predict(test.Features), test.Labels.ClassIndices!)).ToArray();

        Assert.True(auc >= members.Min(), $"stacking {auc}, members {string.Join(", ", members)}");
        Assert.All(model.State.Meta!.Coefficients[1].Zip(model.State.Meta.Coefficients[0], (a, b) => a - b), w => Assert.True(w > 0));
    }

    [Fact]
    public void Stacking_MemberThatMemorisesItsRows_MetaLearnerSeesOnlyOutOfFoldAndGivesItNoWeight()
    {
        var (split, _) = TestData.Split(TestData.Credit());
        // A unique row id, so the memoriser recognises exactly its own training rows (the data holds rows that look alike).
        var ids = new NumericColumn("row_id", Enumerable.Range(0, split.Features.RowCount).Select(i => (double)i).ToArray());
        var train = split with { Features = new Table([.. split.Features.Columns, ids]) };
        var linear = TrainerCatalog.Create(Member("linear"), TaskKind.Binary, 0);
        // In-fold predictions of the memoriser are perfect; out of fold it knows nothing (0.5). A meta-learner fed in-fold
        // predictions would trust it above all; fed out-of-fold ones it must ignore it.
        ITrainer memoriser = new Memoriser();
        var trainer = new EnsembleTrainer(EnsembleKind.Stacking, TaskKind.Binary, [("linear", linear), ("memoriser", memoriser)],
            new EnsembleOptions { Folds = 5 }, new Dictionary<string, string>(), "models[0] (stacking)");

        var model = (EnsembleModel)trainer.Fit(train, null, TestData.Context()).Model;

        var w = model.State.Meta!.Coefficients;
        Assert.True(Math.Abs(w[1][1] - w[0][1]) < 1e-9, $"memoriser weight {w[1][1] - w[0][1]}");
        Assert.True(w[1][0] - w[0][0] > 0.5, $"linear weight {w[1][0] - w[0][0]}");
    }

    [Fact]
    public void Bagging_SameSeed_SamePredictionsAndReplicasDiffer()
    {
        var (_, test) = TestData.Split(TestData.Credit());
        var a = (EnsembleModel)Fit(Ensemble("bagging", "fasttree"), TaskKind.Binary).Model;
        var b = (EnsembleModel)Fit(Ensemble("bagging", "fasttree"), TaskKind.Binary).Model;

        Assert.Equal(["fasttree#1", "fasttree#2", "fasttree#3"], a.State.Members);
        Assert.Equal(a.Predict(test.Features).Probabilities!.SelectMany(r => r), b.Predict(test.Features).Probabilities!.SelectMany(r => r));
        Assert.NotEqual(a.Members[0].Predict(test.Features).Probabilities![0][1], a.Members[1].Predict(test.Features).Probabilities![0][1]);
    }

    [Fact]
    public void ForRefit_BaggingReplicasStoppedAtDifferentRounds_ParamsStateEachReplicasRounds()
    {
        var (train, valid) = TestData.Split(TestData.Credit());
        var boosted = new ModelSpec
        {
            Type = "lightgbm",
            Options = new Dictionary<string, string> { ["number_of_iterations"] = "150", ["learning_rate"] = "0.5", ["early_stopping_rounds"] = "10" },
        };
        var spec = new ModelSpec { Type = "bagging", Members = [boosted], Options = new Dictionary<string, string> { ["n"] = "3" } };
        var trainer = TrainerCatalog.Create(spec, TaskKind.Binary, 0);
        var fit = trainer.Fit(train, valid, TestData.Context());
        var best = ((EnsembleModel)fit.Model).MemberFits!.Select(f => Assert.NotNull(f.BestIteration)).ToArray();
        Assert.True(best.Distinct().Count() > 1, $"replicas stopped at {string.Join(", ", best)}: the test needs them to differ");

        var refit = trainer.ForRefit(fit).EffectiveParams;

        for (var i = 0; i < best.Length; i++) Assert.Equal(best[i].ToString(System.Globalization.CultureInfo.InvariantCulture), refit[$"lightgbm#{i + 1}.number_of_iterations"]);
        Assert.False(refit.ContainsKey("lightgbm.number_of_iterations"));
        Assert.Equal("0", refit["lightgbm.early_stopping_rounds"]);
        Assert.Equal("0.5", refit["lightgbm.learning_rate"]);
        Assert.Equal("150", trainer.EffectiveParams["lightgbm.number_of_iterations"]);
    }

    [Theory]
    [InlineData("voting", new[] { "lightgbm" }, null, "at least two members")]
    [InlineData("bagging", new[] { "lightgbm", "linear" }, null, "one base model")]
    [InlineData("voting", new[] { "lightgbm", "voting" }, null, "cannot be a member")]
    [InlineData("voting", new[] { "lightgbm", "linear" }, "1,2,3", "option 'weights' must list 2 numbers")]
    [InlineData("stacking", new[] { "lightgbm", "linear" }, "x", "unknown option 'weights'")]
    public void Create_BadEnsemble_ErrorNamesModelAndWhatWasExpected(string type, string[] members, string? weights, string expected)
    {
        var spec = new ModelSpec
        {
            Type = type,
            Members = members.Select(m => m == "voting" ? new ModelSpec { Type = m, Members = [Member("linear"), Member("lightgbm")] } : Member(m)).ToArray(),
            Options = weights is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["weights"] = weights },
        };

        var e = Assert.Throws<KeelInputException>(() => TrainerCatalog.Create(spec, TaskKind.Binary, 2));

        Assert.Contains($"models[2] ({type})", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Create_MembersOnPlainModel_Rejected()
    {
        var e = Assert.Throws<KeelInputException>(() => TrainerCatalog.Create(new ModelSpec { Type = "lightgbm", Members = [Member("linear")] }, TaskKind.Binary, 0));

        Assert.Contains("'members' and 'base' apply only to the ensembles", e.Message);
    }

    /// <summary>Remembers the label of every training row: certain on rows it has seen, 0.5 on any other.</summary>
    private sealed class Memoriser : ITrainer
    {
        public string Type => "memoriser";
        public bool IsBaseline => false;
        public IReadOnlyDictionary<string, string> EffectiveParams { get; } = new Dictionary<string, string>();

        public FitResult Fit(TrainingData train, TrainingData? validation, TrainContext context)
        {
            var seen = new Dictionary<string, int>();
            for (var r = 0; r < train.Features.RowCount; r++) seen[Key(train.Features, r)] = train.Labels.ClassIndices![r];
            return new FitResult(new Model(seen, train.Features.Schema, train.Labels.Classes), null);
        }

        private static string Key(Table t, int row) => t["row_id"].Format(row);

        private sealed class Model(Dictionary<string, int> seen, DataSchema schema, IReadOnlyList<string> classes) : IFittedModel
        {
            public string Type => "memoriser";
            public TaskKind Task => TaskKind.Binary;
            public IReadOnlyList<string> Classes => classes;
            public DataSchema InputSchema => schema;

            public Predictions Predict(Table features) => new()
            {
                Task = TaskKind.Binary,
                Classes = classes,
                Probabilities = Enumerable.Range(0, features.RowCount)
                    .Select(r => seen.TryGetValue(Key(features, r), out var y) ? (y == 1 ? new[] { 0.001, 0.999 } : [0.999, 0.001]) : [0.5, 0.5]).ToArray(),
            };

            public void Save(Stream stream) => throw new NotSupportedException("a test model");
        }
    }

    [Fact]
    public void ResamplingFolds_Classification_SameAsKeelDataStratifiedFolds()
    {
        // 47 rows of three unbalanced classes: stacking's folds are the pipeline's stratified cross-validation folds.
        var y = Enumerable.Range(0, 47).Select(i => i % 7 == 0 ? 2 : i % 3 == 0 ? 1 : 0).ToArray();
        var labels = new EncodedLabels { Task = TaskKind.Multiclass, Classes = ["a", "b", "c"], ClassIndices = y };

        var fold = Resampling.Folds(labels, 5, 11);

        var expected = Keel.Data.Folds.Make(Enumerable.Range(0, 47).ToArray(), new Keel.Data.FoldRequest { Kind = Keel.Data.FoldKind.Stratified, K = 5, Seed = 11, Classes = y });
        foreach (var f in expected) Assert.Equal(f.Validation, Enumerable.Range(0, 47).Where(i => fold[i] == f.Index));
        for (var k = 0; k < 3; k++)
        {
            var share = y.Count(c => c == k) / 5.0;
            for (var f = 0; f < 5; f++) Assert.InRange(Enumerable.Range(0, 47).Count(i => fold[i] == f && y[i] == k), Math.Floor(share), Math.Ceiling(share));
        }
    }

    [Fact]
    public void ResamplingFolds_Regression_SameAsKeelDataRandomFolds()
    {
        var labels = new EncodedLabels { Task = TaskKind.Regression, Values = Enumerable.Range(0, 23).Select(i => (double)i).ToArray() };

        var fold = Resampling.Folds(labels, 4, 3);

        var expected = Keel.Data.Folds.Make(Enumerable.Range(0, 23).ToArray(), new Keel.Data.FoldRequest { Kind = Keel.Data.FoldKind.Random, K = 4, Seed = 3 });
        foreach (var f in expected) Assert.Equal(f.Validation, Enumerable.Range(0, 23).Where(i => fold[i] == f.Index));
    }
}
