using System.Text;
using Keel.Core.Data;
using Keel.Pipeline.Predict;
using Keel.Serving.Hosting;
using Keel.Serving.Requests;

namespace Keel.Serving.Tests;

/// <summary>Shadow copies scored in batches: one model call for many requests gives each request the answer it gets alone.</summary>
[Collection(ServedModelCollection.Name)]
public sealed class ShadowBatchTests(ServedModelFixture f)
{
    private Table Bind(LoadedModel model, IEnumerable<int> rows) =>
        MlflowRequest.BindCsv(Encoding.UTF8.GetBytes(f.CsvRows(rows)), model.InputSchema, model.Binding, 10_000);

    [Theory]
    [InlineData(40)]  // 40 rows in all: row by row on pooled engines
    [InlineData(300)] // 300 rows in all: one data view
    public async Task Predict_StackedRequests_SameAnswersAsOneAtATime(int requests)
    {
        var model = await ModelLoader.LoadAsync(f.Store.Artifacts, f.Champion);
        // Single rows and a few multi-row requests, as a shadow queue holds them.
        var tables = Enumerable.Range(0, requests).Select(i => Bind(model, i % 10 == 3 ? [i, i + 1, i + 2] : [i])).ToArray();

        var batched = ShadowBatch.Predict(model, tables);

        Assert.Equal(tables.Length, batched.Length);
        for (var i = 0; i < tables.Length; i++)
        {
            var alone = model.Predict(tables[i]);
            Assert.Equal(alone.Classes, batched[i].Classes);
            Assert.Equal(alone.Probabilities!.Length, batched[i].Probabilities!.Length);
            for (var r = 0; r < alone.Probabilities.Length; r++) Assert.Equal(alone.Probabilities[r], batched[i].Probabilities![r]);
        }
    }

    [Fact]
    public async Task Stack_TablesOfOneSchema_RowsInOrderWithMissingValuesKept()
    {
        var model = await ModelLoader.LoadAsync(f.Store.Artifacts, f.Champion);
        var a = Bind(model, [0, 1]);
        var b = Bind(model, [2]);
        var stacked = ShadowBatch.Stack([a, b]);
        Assert.Equal(3, stacked.RowCount);
        Assert.Equal(a.Columns.Select(c => (c.Name, c.Type)), stacked.Columns.Select(c => (c.Name, c.Type)));
        for (var c = 0; c < a.Columns.Count; c++)
        {
            Assert.Equal([a.Columns[c].Format(0), a.Columns[c].Format(1), b.Columns[c].Format(0)],
                [stacked.Columns[c].Format(0), stacked.Columns[c].Format(1), stacked.Columns[c].Format(2)]);
            Assert.Equal([a.Columns[c].IsMissing(0), a.Columns[c].IsMissing(1), b.Columns[c].IsMissing(0)],
                [stacked.Columns[c].IsMissing(0), stacked.Columns[c].IsMissing(1), stacked.Columns[c].IsMissing(2)]);
        }
    }
}
