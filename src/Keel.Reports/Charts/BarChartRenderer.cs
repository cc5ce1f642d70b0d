namespace Keel.Reports;

/// <summary>Horizontal bar charts (labels left, value axis below) and compact vertical sparklines.</summary>
internal static class BarChartRenderer
{
    private const double Top = 32, BottomMargin = 30, RightMargin = 56, MinRow = 14;

    public static string Render(string title, IReadOnlyList<BarDatum> bars, ChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(bars);
        return options.Compact ? Compact(title, bars, options) : Full(title, bars, options);
    }

    private static string Full(string title, IReadOnlyList<BarDatum> bars, ChartOptions options)
    {
        var height = (int)Math.Max(options.Height, Top + BottomMargin + bars.Count * MinRow);
        var svg = new SvgWriter("bar-chart", options.Width, height, title);
        svg.Title(title);

        var longest = bars.Count == 0 ? 0 : bars.Max(b => b.Label.Length);
        var labelWidth = Math.Clamp(longest * 6.2 + 10, 40, options.Width * 0.35);
        double x0 = labelWidth, x1 = options.Width - RightMargin, y1 = Top, y0 = height - BottomMargin;

        var values = bars.SelectMany(b => new[] { b.Value, b.Low, b.High }).Where(double.IsFinite).ToList();
        var scale = AxisScale.Create(Math.Min(0, values.DefaultIfEmpty(0).Min()), Math.Max(0, values.DefaultIfEmpty(1).Max()),
            Math.Clamp((int)((x1 - x0) / 70), 2, 8));
        var zero = scale.Map(0, x0, x1);

        svg.Raw("<g class=\"x-axis\">").Line(x0, y0, x1, y0, "#555");
        foreach (var t in scale.Ticks)
        {
            var x = scale.Map(t, x0, x1);
            svg.Line(x, y1, x, y0, "#e6e6e6").Line(x, y0, x, y0 + 4, "#555")
               .Text(x, y0 + 15, NumberFormat.Tick(t, scale.Step), "middle", "tick");
        }
        svg.Raw("</g>");
        if (bars.Count == 0) svg.NoData((x0 + x1) / 2, (y0 + y1) / 2);

        var row = bars.Count == 0 ? 0 : (y0 - y1) / bars.Count;
        var labelChars = SvgWriter.CharsFitting(labelWidth - 10);
        for (var i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            var top = y1 + i * row;
            var mid = top + row / 2;
            svg.Text(x0 - 6, mid + 4, b.Label, "end", "bar-label", labelChars);
            var text = NumberFormat.Value(b.Value);
            if (!double.IsFinite(b.Value))
            {
                svg.Text(zero + 4, mid + 4, text, cssClass: "bar-value");
                continue;
            }
            var x = scale.Map(b.Value, x0, x1);
            var fill = b.Label == options.Highlight ? Palette.Accent : Palette.Bar;
            var pad = Math.Min(row * 0.15, 6);
            svg.Rect(Math.Min(x, zero), top + pad, Math.Abs(x - zero), row - 2 * pad, fill, "bar", $"{b.Label}: {text}");
            if (double.IsFinite(b.Low) && double.IsFinite(b.High))
            {
                double lo = scale.Map(b.Low, x0, x1), hi = scale.Map(b.High, x0, x1), cap = Math.Min(row * 0.25, 5);
                svg.Line(lo, mid, hi, mid, "#222", "whisker").Line(lo, mid - cap, lo, mid + cap, "#222", "whisker").Line(hi, mid - cap, hi, mid + cap, "#222", "whisker");
                x = Math.Max(x, hi);
                text += $" [{NumberFormat.Value(b.Low)}, {NumberFormat.Value(b.High)}]";
            }
            svg.Text(Math.Max(x, zero) + 4, mid + 4, text, cssClass: "bar-value");
        }
        svg.Line(zero, y1, zero, y0, "#555");
        return svg.ToString();
    }

    private static string Compact(string title, IReadOnlyList<BarDatum> bars, ChartOptions options)
    {
        var svg = new SvgWriter("bar-chart compact", options.Width, options.Height, title);
        var finite = bars.Select(b => b.Value).Where(double.IsFinite).ToList();
        var max = finite.Count == 0 ? 0 : finite.Max(v => Math.Abs(v));
        double bottom = options.Height - 1, usable = options.Height - 3;
        svg.Line(0, bottom, options.Width, bottom, "#bbb");
        if (bars.Count == 0) return svg.ToString();
        var slot = (double)options.Width / bars.Count;
        for (var i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            var h = double.IsFinite(b.Value) && max > 0 ? Math.Abs(b.Value) / max * usable : 0;
            // Keep every slot hoverable, even zero bars, so the tooltip still tells the value.
            svg.Rect(i * slot + slot * 0.1, bottom - Math.Max(h, 1), slot * 0.8, Math.Max(h, 1),
                h > 0 ? Palette.Bar : "#ddd", "bar", $"{b.Label}: {NumberFormat.Value(b.Value)}");
        }
        return svg.ToString();
    }
}
