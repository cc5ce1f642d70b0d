namespace Keel.Reports;

/// <summary>A linear axis with "nice" round ticks whose range covers the data.</summary>
internal sealed record AxisScale(double Min, double Max, double Step, IReadOnlyList<double> Ticks)
{
    /// <summary>A scale covering [<paramref name="dataMin"/>, <paramref name="dataMax"/>] with about <paramref name="targetTicks"/> ticks.</summary>
    public static AxisScale Create(double dataMin, double dataMax, int targetTicks)
    {
        if (!double.IsFinite(dataMin) || !double.IsFinite(dataMax)) (dataMin, dataMax) = (0, 1);
        if (dataMax < dataMin) (dataMin, dataMax) = (dataMax, dataMin);
        var magnitude = Math.Max(Math.Abs(dataMin), Math.Abs(dataMax));
        if (dataMax - dataMin <= magnitude * 1e-12)
        {
            // All values equal: widen around the value so the axis has a non-zero span to divide by.
            var pad = magnitude == 0 ? 1 : magnitude * 0.1;
            dataMin -= pad;
            dataMax += pad;
        }

        var step = NiceNumber((dataMax - dataMin) / Math.Max(1, targetTicks - 1));
        var lo = Math.Floor(dataMin / step) * step;
        var hi = Math.Ceiling(dataMax / step) * step;
        var decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(step)) + 2, 0, 15);
        var ticks = new List<double>();
        for (var i = 0; ; i++)
        {
            var t = lo + i * step;
            if (t > hi + step * 1e-6) break;
            ticks.Add(Math.Round(t, decimals));
        }
        return new AxisScale(ticks[0], ticks[^1], step, ticks);
    }

    /// <summary>Maps a value linearly from [Min, Max] to [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public double Map(double value, double from, double to) => from + (value - Min) / (Max - Min) * (to - from);

    /// <summary>The nearest of 1, 2, 2.5, 5 × 10^k to <paramref name="raw"/> (Heckbert's nice numbers).</summary>
    private static double NiceNumber(double raw)
    {
        var exponent = Math.Floor(Math.Log10(raw));
        var power = Math.Pow(10, exponent);
        var fraction = raw / power;
        var nice = fraction switch
        {
            < 1.5 => 1.0,
            < 2.25 => 2.0,
            < 3.5 => 2.5,
            < 7.5 => 5.0,
            _ => 10.0,
        };
        return nice * power;
    }
}
