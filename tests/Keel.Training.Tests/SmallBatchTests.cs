using Keel.Core.Data;

namespace Keel.Training.Tests;

/// <summary>Small batches (served requests) take pooled prediction engines instead of one IDataView (linear models), or one
/// block of rows instead of blocks on several threads (Keel's tree scorer, Keel's random forest): the answers must not change.</summary>
public class SmallBatchTests
{
    [Theory]
    [InlineData("lightgbm", TaskKind.Binary)]
    [InlineData("linear", TaskKind.Binary)]
    [InlineData("lightgbm", TaskKind.Multiclass)]
    [InlineData("linear", TaskKind.Multiclass)]
    [InlineData("lightgbm", TaskKind.Regression)]
    [InlineData("fasttree", TaskKind.Regression)]
    [InlineData("random_forest", TaskKind.Binary)]
    [InlineData("random_forest", TaskKind.Multiclass)]
    [InlineData("random_forest", TaskKind.Regression)]
    public void Predict_RowsAloneOrInSmallBatches_ExactlyAsInOneLargeBatch(string type, TaskKind task)
    {
        var (train, test) = TestData.Split(TestData.ForTask(task));
        var model = TrainerCatalog.Create(TestData.FastSpec(type, task), task, 0).Fit(train, null, TestData.Context()).Model;
        // Penguins' test split is small: predict the training rows too, only the two paths are compared.
        var features = test.Features.RowCount > 128 ? test.Features : train.Features;
        var rows = Enumerable.Range(0, Math.Min(300, features.RowCount)).ToArray();
        Assert.True(rows.Length > 128, "the large batch must take the IDataView path (linear) and several blocks (trees)");
        var all = model.Predict(features.Take(rows));

        foreach (var size in new[] { 1, 7, 128 })
        {
            for (var start = 0; start < rows.Length; start += size)
            {
                var part = model.Predict(features.Take(rows[start..Math.Min(rows.Length, start + size)]));
                for (var i = 0; i < part.Count; i++)
                {
                    if (task == TaskKind.Regression) Assert.Equal(all.Values![start + i], part.Values![i]);
                    else Assert.Equal(all.Probabilities![start + i], part.Probabilities![i]);
                }
            }
        }
    }
}
