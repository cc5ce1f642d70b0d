using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;

namespace Keel.Data.Tests;

public sealed class FoldsTests
{
    private const int N = 1000;

    /// <summary>Class per row: 70% class 0, 20% class 1, 10% class 2, interleaved.</summary>
    private static readonly int[] Classes = Enumerable.Range(0, N).Select(i => (i % 10) switch { < 7 => 0, < 9 => 1, _ => 2 }).ToArray();

    private static readonly StringColumn Groups = new("g", Enumerable.Range(0, N).Select(i => (string?)("g" + (i * 7919 % 97))).ToArray());

    /// <summary>Times with many ties: day = row / 7, rows in shuffled order.</summary>
    private static readonly NumericColumn Times = new("t", Enumerable.Range(0, N).Select(i => (double)(i * 389 % N / 7)).ToArray(), ColumnType.DateTime);

    /// <summary>The train and test rows of a real split: folds are made of its training rows only.</summary>
    private static SplitResult Split(SplitStrategy strategy) => Splitter.Split(N, new SplitRequest
    {
        Strategy = strategy, ValidationFraction = 0, StratifyBy = Classes, GroupColumn = Groups, TimeColumn = Times,
    });

    private static FoldRequest Request(FoldKind kind, int k = 5) => new() { Kind = kind, K = k, Seed = 3, Classes = Classes, Group = Groups, Time = Times };

    [Theory]
    [InlineData(FoldKind.Random, SplitStrategy.Random)]
    [InlineData(FoldKind.Stratified, SplitStrategy.Stratified)]
    [InlineData(FoldKind.Grouped, SplitStrategy.Group)]
    [InlineData(FoldKind.Forward, SplitStrategy.Time)]
    public void Make_AnyKind_TestRowsNeverEnterAFold(FoldKind kind, SplitStrategy strategy)
    {
        var split = Split(strategy);

        var folds = Folds.Make(split.Train, Request(kind));

        var test = split.Test.ToHashSet();
        Assert.All(folds, f => Assert.DoesNotContain(f.Train.Concat(f.Validation), test.Contains));
        Assert.All(folds, f => Assert.Empty(f.Train.Intersect(f.Validation)));
        Assert.All(folds, f => Assert.Subset(split.Train.ToHashSet(), f.Train.Concat(f.Validation).ToHashSet()));
    }

    [Theory]
    [InlineData(FoldKind.Random)]
    [InlineData(FoldKind.Stratified)]
    [InlineData(FoldKind.Grouped)]
    public void Make_ShuffledKinds_ValidateEveryTrainingRowExactlyOnce(FoldKind kind)
    {
        var rows = Split(SplitStrategy.Random).Train;

        var folds = Folds.Make(rows, Request(kind));

        Assert.Equal(5, folds.Count);
        Assert.Equal(rows.Order(), folds.SelectMany(f => f.Validation).Order());
        Assert.All(folds, f => Assert.Equal(rows.Length, f.Train.Length + f.Validation.Length));
    }

    [Fact]
    public void Make_Grouped_NoGroupInTwoFolds()
    {
        var rows = Split(SplitStrategy.Group).Train;

        var folds = Folds.Make(rows, Request(FoldKind.Grouped));

        var foldOfGroup = new Dictionary<string, int>();
        foreach (var f in folds)
        {
            foreach (var r in f.Validation)
            {
                var g = Groups.Format(r);
                Assert.Equal(f.Index, foldOfGroup.TryGetValue(g, out var seen) ? seen : foldOfGroup[g] = f.Index);
            }
            var validationGroups = f.Validation.Select(Groups.Format).ToHashSet();
            Assert.DoesNotContain(f.Train, r => validationGroups.Contains(Groups.Format(r)));
        }
    }

    [Fact]
    public void Make_Forward_EachValidationAfterItsTraining()
    {
        var rows = Split(SplitStrategy.Time).Train;

        var folds = Folds.Make(rows, Request(FoldKind.Forward));

        Assert.Equal(5, folds.Count);
        Assert.All(folds, f => Assert.True(f.Train.Max(r => Times[r]) < f.Validation.Min(r => Times[r]), $"fold {f.Index}"));
        // Expanding window: each fold trains on everything the previous fold trained and validated on.
        for (var i = 1; i < folds.Count; i++) Assert.Equal(folds[i - 1].Train.Concat(folds[i - 1].Validation).Order(), folds[i].Train);
    }

    [Fact]
    public void Make_Stratified_EachFoldKeepsClassProportionsWithinOneRow()
    {
        var rows = Split(SplitStrategy.Stratified).Train;

        var folds = Folds.Make(rows, Request(FoldKind.Stratified));

        foreach (var c in new[] { 0, 1, 2 })
        {
            var total = rows.Count(r => Classes[r] == c);
            Assert.All(folds, f => Assert.InRange(f.Validation.Count(r => Classes[r] == c), total / 5, total / 5 + 1));
        }
        Assert.True(folds.Max(f => f.Validation.Length) - folds.Min(f => f.Validation.Length) <= 1);
    }

    [Fact]
    public void Make_SameSeed_SameFoldsAndOtherSeedDiffers()
    {
        var rows = Split(SplitStrategy.Stratified).Train;

        var a = Folds.Make(rows, Request(FoldKind.Stratified));
        var b = Folds.Make(rows, Request(FoldKind.Stratified));
        var c = Folds.Make(rows, Request(FoldKind.Stratified) with { Seed = 4 });

        Assert.Equal(a.Select(f => f.Validation), b.Select(f => f.Validation));
        Assert.NotEqual(a.Select(f => f.Validation), c.Select(f => f.Validation));
    }

    [Fact]
    public void Make_FewerGroupsThanFolds_ErrorNamesFoldsAndColumn()
    {
        var groups = new StringColumn("island", Enumerable.Range(0, 10).Select(i => (string?)("i" + i % 3)).ToArray());

        var e = Assert.Throws<KeelInputException>(() => Folds.Make(Enumerable.Range(0, 10).ToArray(),
            new FoldRequest { Kind = FoldKind.Grouped, Group = groups, SourceName = "spec.yaml" }));

        Assert.Contains("split.folds", e.Message);
        Assert.Contains("'island'", e.Message);
        Assert.Contains("got 3", e.Message);
    }
}
