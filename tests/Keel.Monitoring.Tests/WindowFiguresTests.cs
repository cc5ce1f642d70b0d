namespace Keel.Monitoring.Tests;

public sealed class WindowFiguresTests
{
    [Fact]
    public void Set_ColumnFigure_IsNamedStatisticOfColumn()
    {
        var f = new WindowFigures();
        f.Set("psi", "distance", 0.25);
        f.Set("drift_share", 0.4);
        Assert.Equal(0.25, f["psi(distance)"]);
        Assert.Equal(0.4, f.Get("drift_share"));
        Assert.Null(f.Get("ks(distance)"));
    }

    [Fact]
    public void Set_NonFiniteValue_IsAbsent()
    {
        var f = new WindowFigures();
        f.Set("ks_p(x)", 0.5);
        f.Set("ks_p(x)", double.NaN);
        Assert.False(f.ContainsKey("ks_p(x)"));
        Assert.Empty(f);
    }
}
