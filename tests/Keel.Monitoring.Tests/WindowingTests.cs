using Keel.Core.Data;

namespace Keel.Monitoring.Tests;

public sealed class WindowingTests
{
    private static Table Rows(int n) => new([new NumericColumn("x", Enumerable.Range(0, n).Select(i => (double)i).ToArray())]);

    private static string[] Labels(int rows, string window, Func<int, bool>? mayStartAt = null) =>
        Windowing.Split(Rows(rows), WindowSpec.Parse(window), null, mayStartAt).Select(w => $"{w.Label} ({w.Rows.Length})").ToArray();

    [Theory]
    [InlineData(12, "4", "rows 0–3 (4)|rows 4–7 (4)|rows 8–11 (4)")]
    [InlineData(9, "4", "rows 0–3 (4)|rows 4–8 (5)")]          // a one-row tail joins the window before it
    [InlineData(10, "4", "rows 0–3 (4)|rows 4–7 (4)|rows 8–9 (2)")] // half the count stands alone
    [InlineData(3, "4", "rows 0–2 (3)")]                        // fewer rows than the count: one window
    public void Split_ByRows_ShortTailJoinsThePreviousWindow(int rows, string window, string expected) =>
        Assert.Equal(expected.Split('|'), Labels(rows, window));

    [Fact]
    public void Split_ByRowsOfWholeRequests_ShortTailStillJoins()
    {
        // Requests start every third row; four rows asked, so a window runs on to the next request's start. The last request
        // (row 12) alone would be a one-row window: it joins the window before it.
        Assert.Equal(["rows 0–5 (6)", "rows 6–11 (6)"], Labels(12, "4", i => i % 3 == 0));
        Assert.Equal(["rows 0–5 (6)", "rows 6–12 (7)"], Labels(13, "4", i => i % 3 == 0));
    }
}
