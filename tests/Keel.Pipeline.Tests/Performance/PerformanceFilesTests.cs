using Keel.Core;
using Keel.Pipeline.Performance;

namespace Keel.Pipeline.Tests.Performance;

public sealed class PerformanceFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-perf-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Join_KeelPredictOutputAndLabelsByRow_LabelledRowsInPredictionOrder()
    {
        var predictions = Write("predictions.csv", "row,predicted,p_no,p_yes\n0,no,0.9,0.1\n1,yes,0.2,0.8\n2,yes,0.4,0.6\n");
        var labels = Write("labels.csv", "row,outcome\n2,no\n0,no\n5,yes\n");
        var joined = PerformanceFiles.Join(predictions, labels, "row", "outcome");
        Assert.Equal((2, 1), (joined.Count, joined.Unlabelled));
        Assert.Equal([0, 0], joined.Truth.ClassIndices!);
        Assert.Equal([0.1, 0.6], joined.Predictions.Probabilities!.Select(r => r[1]));
    }

    [Fact]
    public void Join_NoKeyColumn_ErrorNamesFileAndColumns()
    {
        var predictions = Write("predictions.csv", "row,predicted\n0,1.5\n");
        var labels = Write("labels.csv", "id,value\n0,1.0\n");
        var e = Assert.Throws<KeelInputException>(() => PerformanceFiles.Join(predictions, labels, "row", "value"));
        Assert.Contains("labels.csv: no key column 'row'; columns are: id, value", e.Message, StringComparison.Ordinal);
    }
}
