using Keel.Core.Data;

namespace Keel.Training.Tests;

public class TrainerTests(TrainedModels fits) : IClassFixture<TrainedModels>
{
    public static TheoryData<string, TaskKind> AllTypesAndTasks()
    {
        var data = new TheoryData<string, TaskKind>();
        foreach (var type in TrainerCatalog.Types)
        {
            foreach (var task in new[] { TaskKind.Binary, TaskKind.Multiclass, TaskKind.Regression }) data.Add(type, task);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllTypesAndTasks))]
    public void Fit_EveryTypeAndTask_PredictionsHaveShapeAndProbabilitiesSumToOne(string type, TaskKind task)
    {
        var (train, test) = TestData.Split(TestData.ForTask(task));

        var model = fits.Get(type, task).Model;
        var p = model.Predict(test.Features);

        Assert.Equal(type, model.Type);
        Assert.Equal(task, model.Task);
        Assert.Equal(test.Features.RowCount, p.Count);
        if (task == TaskKind.Regression)
        {
            Assert.All(p.Values!, v => Assert.True(double.IsFinite(v)));
            return;
        }
        Assert.Equal(train.Labels.Classes, p.Classes);
        Assert.All(p.Probabilities!, row =>
        {
            Assert.Equal(train.Labels.Classes.Count, row.Length);
            Assert.All(row, v => Assert.InRange(v, 0, 1));
            Assert.Equal(1.0, row.Sum(), 5);
        });
    }

    [Theory]
    [MemberData(nameof(AllTypesAndTasks))]
    public void Fit_SameSeedTwice_IdenticalPredictions(string type, TaskKind task)
    {
        var (train, test) = TestData.Split(TestData.ForTask(task));
        var spec = TestData.FastSpec(type, task);

        var a = TrainerCatalog.Create(spec, task, 0).Fit(train, null, TestData.Context(5)).Model.Predict(test.Features);
        var b = TrainerCatalog.Create(spec, task, 0).Fit(train, null, TestData.Context(5)).Model.Predict(test.Features);

        if (task == TaskKind.Regression) Assert.Equal(a.Values, b.Values);
        else Assert.Equal(a.Probabilities, b.Probabilities);
    }

    [Theory]
    [MemberData(nameof(AllTypesAndTasks))]
    public void SaveLoad_EveryTypeAndTask_IdenticalPredictionsAndMetadata(string type, TaskKind task)
    {
        var (_, test) = TestData.Split(TestData.ForTask(task));
        var model = fits.Get(type, task).Model;
        var path = Path.Combine(Path.GetTempPath(), $"keel-{Guid.NewGuid():N}.zip");
        try
        {
            using (var f = File.Create(path)) model.Save(f);
            IFittedModel loaded;
            using (var f = File.OpenRead(path)) loaded = ModelPackage.Load(f);

            Assert.Equal(model.Type, loaded.Type);
            Assert.Equal(model.Task, loaded.Task);
            Assert.Equal(model.Classes, loaded.Classes);
            Assert.Equal(model.InputSchema, loaded.InputSchema);
            var a = model.Predict(test.Features);
            var b = loaded.Predict(test.Features);
            if (task == TaskKind.Regression) Assert.Equal(a.Values, b.Values);
            else Assert.Equal(a.Probabilities, b.Probabilities);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    [InlineData("fastforest")]
    public void Predict_MissingFeatureColumn_ThrowsNamingIt(string type)
    {
        var (_, test) = TestData.Split(TestData.Credit());
        var model = fits.Get(type, TaskKind.Binary).Model;

        var e = Assert.Throws<Keel.Core.KeelInputException>(() => model.Predict(test.Features.Drop(["Income"])));
        Assert.Contains("'Income'", e.Message);
    }

    [Fact]
    public void Fit_EveryCandidate_ReportsEffectiveParamsWithDefaults()
    {
        var trainer = TrainerCatalog.Create(new Keel.Core.Spec.ModelSpec { Type = "lightgbm" }, TaskKind.Binary, 0);

        Assert.Equal("200", trainer.EffectiveParams["number_of_iterations"]);
        Assert.Equal("0.05", trainer.EffectiveParams["learning_rate"]);
        Assert.Equal("31", trainer.EffectiveParams["number_of_leaves"]);
        Assert.Equal("20", trainer.EffectiveParams["minimum_example_count_per_leaf"]);
        Assert.False(trainer.IsBaseline);
    }

    [Fact]
    public void Fit_Candidate_ExposesFeatureNamesLearnedOnTrain()
    {
        var (train, _) = TestData.Split(TestData.Credit());
        var model = fits.Get("linear", TaskKind.Binary).Model;

        var featurized = Assert.IsAssignableFrom<IFeaturizedModel>(model);
        Assert.Contains("Home=rent", featurized.Featurizer.FeatureNames);
        Assert.Contains("Income__missing", featurized.Featurizer.FeatureNames);
        Assert.Equal(featurized.Featurizer.FeatureNames.Count, featurized.Featurize(train.Features)[0].Length);
    }
}
