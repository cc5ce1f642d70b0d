using Keel.Core.Data;
using Keel.Data;
using Keel.Data.Labels;
using Keel.Pipeline.Labels;

namespace Keel.Pipeline.Tests;

/// <summary>The label model against majority vote on a real set: samples/penguins.csv with bench/labels/penguins.lf (functions
/// written from field-guide facts, unequal accuracies, some correlated), the set bench/labels/weak.py reports.</summary>
public sealed class WeakLabelerTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "Keel.slnx"))) dir = dir.Parent;
        return dir.FullName;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Label_PenguinsBenchFunctions_LabelModelBeatsMajorityVote(bool findDependencies)
    {
        var functions = LabelingFunctionSet.Read(Path.Combine(Root(), "bench", "labels", "penguins.lf"));
        var table = TableReader.Read(Path.Combine(Root(), "samples", "penguins.csv"), new ReadOptions()).Table;

        var weak = WeakLabeler.Label(functions, table, null, new LabelModelOptions { DetectDependencies = findDependencies }, "penguins.csv");

        var species = (StringColumn)table["Species"];
        var truth = Enumerable.Range(0, table.RowCount).Select(r => weak.Classes.ToList().IndexOf(species[r]!)).ToArray();
        var model = LabelingAnalysis.Accuracy(weak.Labels, truth).Accuracy!.Value;
        var vote = LabelingAnalysis.Accuracy(LabelModel.MajorityVote(weak.Votes, weak.Classes.Count), truth).Accuracy!.Value;
        Assert.True(model > vote, $"label model {model:F3}, majority vote {vote:F3}");
    }
}
