using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data.Imbalance;

namespace Keel.Data.Tests;

/// <summary>The rebalancing methods against imbalanced-learn 0.10 (Fixtures/imbalance_fixture.py writes imbalance.json):
/// equal where the method is deterministic (Tomek links, class counts), the definitions' properties where draws differ (SMOTE).</summary>
public sealed class ImbalanceTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(Samples.Folder, "..", "tests", "Keel.Data.Tests", "Fixtures", "imbalance.json"))).RootElement;

    private static (Table, EncodedLabels) Data()
    {
        var x = Fixture.GetProperty("x").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var y = Fixture.GetProperty("y").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var table = new Table([new NumericColumn("a", x.Select(r => r[0]).ToArray()), new NumericColumn("b", x.Select(r => r[1]).ToArray())]);
        return (table, new EncodedLabels { Task = TaskKind.Binary, Classes = ["0", "1"], ClassIndices = y });
    }

    private static Dictionary<string, int> Counts(string key) =>
        Fixture.GetProperty(key).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());

    [Fact]
    public void TomekLinks_Fixture_SamePairsAndKeptRowsAsImbalancedLearn()
    {
        var (x, y) = Data();

        var links = Resampler.TomekLinks(x, y.ClassIndices!);
        var (kept, _, summary) = Resampler.Resample(x, y, new ImbalanceOptions { Method = ImbalanceMethod.Tomek });

        Assert.Equal(Fixture.GetProperty("tomek_links").EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32())), links);
        var expectedKept = Fixture.GetProperty("tomek_kept").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(expectedKept.Select(r => ((NumericColumn)x["a"])[r]), ((NumericColumn)kept["a"]).Values.ToArray());
        Assert.Equal(30, summary.After["1"]); // the minority member of each pair stays
    }

    [Fact]
    public void TomekLinks_EveryPair_MutualNearestNeighboursOfDifferentClasses()
    {
        var (x, y) = Data();
        var a = ((NumericColumn)x["a"]).Values.ToArray();
        var b = ((NumericColumn)x["b"]).Values.ToArray();
        int Nearest(int i) => Enumerable.Range(0, a.Length).Where(j => j != i).MinBy(j => (a[i] - a[j]) * (a[i] - a[j]) + (b[i] - b[j]) * (b[i] - b[j]));

        foreach (var (i, j) in Resampler.TomekLinks(x, y.ClassIndices!))
        {
            Assert.Equal((j, i), (Nearest(i), Nearest(j)));
            Assert.NotEqual(y.ClassIndices![i], y.ClassIndices[j]);
        }
    }

    [Theory]
    [InlineData(ImbalanceMethod.Oversample, "oversample_counts")]
    [InlineData(ImbalanceMethod.Undersample, "undersample_counts")]
    [InlineData(ImbalanceMethod.Smote, "smote_counts")]
    public void Resample_Fixture_ClassCountsEqualImbalancedLearns(ImbalanceMethod method, string key)
    {
        var (x, y) = Data();

        var (_, _, summary) = Resampler.Resample(x, y, new ImbalanceOptions { Method = method, Seed = 1 });

        Assert.Equal(Counts(key), summary.After);
    }

    [Fact]
    public void Smote_SyntheticRows_LieOnSegmentsToOneOfTheirKNearestSameClassNeighbours()
    {
        var (x, y) = Data();
        var (table, labels, _) = Resampler.Resample(x, y, new ImbalanceOptions { Method = ImbalanceMethod.Smote, K = 5, Seed = 3 });
        var a = ((NumericColumn)table["a"]).Values.ToArray();
        var b = ((NumericColumn)table["b"]).Values.ToArray();
        var minority = Enumerable.Range(0, 120).Where(r => y.ClassIndices![r] == 1).ToArray();
        int[] Knn(int r) => minority.Where(j => j != r).OrderBy(j => (a[r] - a[j]) * (a[r] - a[j]) + (b[r] - b[j]) * (b[r] - b[j])).Take(5).ToArray();
        var knn = minority.ToDictionary(r => r, Knn);

        for (var s = 120; s < a.Length; s++)
        {
            Assert.Equal(1, labels.ClassIndices![s]);
            var on = minority.Any(r => knn[r].Any(n =>
            {
                double dx = a[n] - a[r], dy = b[n] - b[r];
                var t = ((a[s] - a[r]) * dx + (b[s] - b[r]) * dy) / (dx * dx + dy * dy);
                return t is >= -1e-9 and <= 1 + 1e-9 && Math.Abs(a[r] + t * dx - a[s]) < 1e-9 && Math.Abs(b[r] + t * dy - b[s]) < 1e-9;
            }));
            Assert.True(on, $"synthetic row {s} ({a[s]}, {b[s]}) is on no segment to a 5-nearest same-class neighbour");
        }
    }

    [Fact]
    public void SmoteNc_CategoricalFeature_NewRowsTakeTheNeighboursMostFrequentCategory()
    {
        var x = new Table([
            new NumericColumn("v", [0, 1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17]),
            new StringColumn("c", ["p", "p", "p", "q", "r", "r", "r", "r", "r", "r", "r", "r"]),
        ]);
        var y = new EncodedLabels { Task = TaskKind.Binary, Classes = ["maj", "min"], ClassIndices = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0] };

        var (table, labels, _) = Resampler.Resample(x, y, new ImbalanceOptions { Method = ImbalanceMethod.SmoteNc, K = 3, Seed = 1 });

        Assert.Equal(16, table.RowCount);
        for (var s = 12; s < 16; s++)
        {
            Assert.InRange(((NumericColumn)table["v"])[s], 0, 3);
            Assert.Equal("p", ((StringColumn)table["c"])[s]); // every minority row's 3 nearest include two or three 'p'
        }
        Assert.All(Enumerable.Range(12, 4), s => Assert.Equal(1, labels.ClassIndices![s]));
    }

    [Fact]
    public void SmoteNc_TiedCategoryVote_DrawnAmongTheTiedNotAlwaysTheNearest()
    {
        // Minority rows at 0, 1 and 3, each of its own category: with k = 2 every vote is a one-one tie, and the nearest
        // neighbour is never 'r' (row 3 is the farther neighbour of rows 0 and 1), so 'r' appears only where ties are drawn.
        var x = new Table([
            new NumericColumn("v", [0, 1, 3, .. Enumerable.Range(0, 50).Select(i => 100.0 + i)]),
            new StringColumn("c", ["p", "q", "r", .. Enumerable.Repeat("s", 50)]),
            new StringColumn("id", [.. Enumerable.Range(0, 53).Select(i => $"{i}")], ColumnType.Text),
        ]);
        var y = new EncodedLabels { Task = TaskKind.Binary, Classes = ["min", "maj"], ClassIndices = [0, 0, 0, .. Enumerable.Repeat(1, 50)] };
        string[][] neighbourCategories = [["q", "r"], ["p", "r"], ["q", "p"]];

        var (table, _, _) = Resampler.Resample(x, y, new ImbalanceOptions { Method = ImbalanceMethod.SmoteNc, K = 2, Seed = 5 });

        var c = (StringColumn)table["c"];
        var id = (StringColumn)table["id"];
        var synthetic = Enumerable.Range(53, 47).ToArray();
        Assert.All(synthetic, s => Assert.Contains(c[s], neighbourCategories[int.Parse(id[s]!, System.Globalization.CultureInfo.InvariantCulture)]));
        Assert.Contains(synthetic, s => c[s] == "r");
    }

    [Theory]
    [InlineData(ImbalanceMethod.SmoteNc)]
    [InlineData(ImbalanceMethod.Smote)]
    public void Smote_MissingNumbers_SyntheticRowMissingExactlyWhereItsBaseRowIs(ImbalanceMethod method)
    {
        // 30 minority rows (income about 10, a third missing) among 300 majority rows (income about 1000): the column median is
        // a majority value. A text column names each row, and synthetic rows copy it from their base row.
        var random = new Random(3);
        var income = Enumerable.Range(0, 330).Select(i => i < 30 ? (i % 3 == 0 ? double.NaN : 10 + random.NextDouble()) : 1000 + random.NextDouble()).ToArray();
        var other = Enumerable.Range(0, 330).Select(_ => random.NextDouble()).ToArray();
        var columns = new List<Column> { new NumericColumn("income", income), new NumericColumn("other", other), new StringColumn("id", [.. Enumerable.Range(0, 330).Select(i => $"{i}")], ColumnType.Text) };
        if (method == ImbalanceMethod.SmoteNc) columns.Add(new StringColumn("c", [.. Enumerable.Range(0, 330).Select(i => i % 2 == 0 ? "a" : "b")]));
        var y = new EncodedLabels { Task = TaskKind.Binary, Classes = ["min", "maj"], ClassIndices = [.. Enumerable.Range(0, 330).Select(i => i < 30 ? 0 : 1)] };

        var (table, _, _) = Resampler.Resample(new Table(columns), y, new ImbalanceOptions { Method = method, K = 5, Seed = 7 });

        var resampled = (NumericColumn)table["income"];
        var id = (StringColumn)table["id"];
        Assert.Equal(600, table.RowCount);
        for (var s = 330; s < 600; s++)
        {
            var b = int.Parse(id[s]!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(double.IsNaN(income[b]), resampled.IsMissing(s));
            if (!resampled.IsMissing(s)) Assert.InRange(resampled[s], 10, 11); // never a step towards the majority's median
        }
    }

    [Fact]
    public void Smote_CategoricalFeature_ErrorSaysUseSmoteNc()
    {
        var x = new Table([new StringColumn("c", ["a", "b", "a", "b"])]);
        var y = new EncodedLabels { Task = TaskKind.Binary, Classes = ["0", "1"], ClassIndices = [0, 0, 0, 1] };

        var e = Assert.Throws<KeelInputException>(() => Resampler.Resample(x, y, new ImbalanceOptions { Method = ImbalanceMethod.Smote }));

        Assert.Contains("'c' is categorical; use smote_nc", e.Message, StringComparison.Ordinal);
    }
}
