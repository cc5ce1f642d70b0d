using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.ErrorAnalysis;

namespace Keel.Evaluation.Tests;

/// <summary>Error analysis by tags, hand-computed on 10 rows.</summary>
public class TagAnalysisTests
{
    private static readonly EncodedLabels Truth = new() { Task = TaskKind.Binary, Classes = ["no", "yes"], ClassIndices = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1] };

    private static Predictions Answers(params int[] predicted) => new()
    {
        Task = TaskKind.Binary,
        Classes = ["no", "yes"],
        Probabilities = predicted.Select(k => k == 1 ? new[] { 0.2, 0.8 } : new[] { 0.8, 0.2 }).ToArray(),
    };

    [Fact]
    public void Analyze_TwoTags_SharesRatesRoomAndPriority()
    {
        // Selected model wrong on rows 0, 1, 5, 6 (4 errors). Tag a: rows 0-3 (2 errors); tag b: rows 5-9 (2 errors).
        var selected = Answers(1, 1, 0, 0, 0, 0, 0, 1, 1, 1);
        // The other model is wrong only on row 0 within tag a, and on rows 5-8 within tag b.
        var other = Answers(1, 0, 0, 0, 1, 0, 0, 0, 0, 1);
        bool[] a = [true, true, true, true, false, false, false, false, false, false];
        bool[] b = [false, false, false, false, false, true, true, true, true, true];

        var result = TagAnalysis.Analyze(Truth, selected, [("other", other)],
            [new TagInput("a", a, null), new TagInput("b", b, 0.1, Ease: 2)]);

        var ta = result.Single(t => t.Tag == "a");
        Assert.Equal((4, 0.4, 0.5, 0.5), (ta.Rows, ta.ShareOfData, ta.ShareOfErrors, ta.ErrorRate));
        Assert.Equal(0.25, ta.Reference, 12);
        Assert.Equal("best model: other", ta.ReferenceSource);
        Assert.Equal(0.25, ta.Room, 12);
        Assert.Equal(0.1, ta.Priority, 12);
        var tb = result.Single(t => t.Tag == "b");
        Assert.Equal((5, 0.5, 0.5, 0.4), (tb.Rows, tb.ShareOfData, tb.ShareOfErrors, tb.ErrorRate));
        Assert.Equal("given", tb.ReferenceSource);
        Assert.Equal(0.3, tb.Room, 12);
        Assert.Equal(0.3 * 0.5 * 2, tb.Priority, 12);
        Assert.Equal(["b", "a"], result.Select(t => t.Tag));
    }

    [Fact]
    public void Analyze_SelectedBestOnTag_NoRoom()
    {
        var selected = Answers(0, 0, 0, 0, 0, 1, 1, 1, 1, 0);
        var other = Answers(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);

        var t = Assert.Single(TagAnalysis.Analyze(Truth, selected, [("other", other)], [new TagInput("all", Enumerable.Repeat(true, 10).ToArray(), null)]));

        Assert.Equal("best model: selected", t.ReferenceSource);
        Assert.Equal(0, t.Room);
        Assert.Equal(1, t.ShareOfErrors);
    }
}
