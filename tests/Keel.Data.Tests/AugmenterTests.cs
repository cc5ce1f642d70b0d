using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data.Augmentation;

namespace Keel.Data.Tests;

public sealed class AugmenterTests
{
    private static (Table, EncodedLabels) Data() => (new Table([
        new NumericColumn("x", [1, 2, 3, 4, double.NaN]),
        new StringColumn("home", ["rent", "own", "rent", "other", null]),
    ]), new EncodedLabels { Task = TaskKind.Binary, Classes = ["a", "b"], ClassIndices = [0, 1, 0, 1, 1] });

    [Fact]
    public void Augment_TwoCopies_OriginalsFirstNoiseWithinFractionOfSpreadSwapsAppliedLabelsKept()
    {
        var (x, y) = Data();
        var swaps = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["home"] = new Dictionary<string, string> { ["rent"] = "other" } };

        var (t, labels) = Augmenter.Augment(x, y, new AugmentOptions { Copies = 2, Noise = 0.1, Swaps = swaps, Seed = 4 });

        Assert.Equal(15, t.RowCount);
        var v = (NumericColumn)t["x"];
        var sd = Math.Sqrt((2.25 + 0.25 + 0.25 + 2.25) / 3); // of 1, 2, 3, 4
        for (var i = 0; i < 5; i++) Assert.Equal(((NumericColumn)x["x"])[i], v[i]);
        for (var i = 5; i < 15; i++)
        {
            if (i % 5 == 4) Assert.True(double.IsNaN(v[i]));
            else Assert.InRange(Math.Abs(v[i] - ((NumericColumn)x["x"])[i % 5]), 0, 0.1 * sd);
        }
        IEnumerable<string?> expected = ["rent", "own", "rent", "other", null, "other", "own", "other", "other", null];
        Assert.Equal(expected, ((StringColumn)t["home"]).Values[..10].ToArray());
        Assert.Equal(Enumerable.Range(0, 15).Select(i => y.ClassIndices![i % 5]), labels.ClassIndices!);
    }

    [Fact]
    public void Augment_SwapOnNumericColumn_ErrorNamesField()
    {
        var (x, y) = Data();
        var swaps = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["x"] = new Dictionary<string, string> { ["1"] = "2" } };

        var e = Assert.Throws<KeelInputException>(() => Augmenter.Augment(x, y, new AugmentOptions { Swaps = swaps }));

        Assert.StartsWith("augment.swaps.x: expected a categorical feature column", e.Message, StringComparison.Ordinal);
    }
}
