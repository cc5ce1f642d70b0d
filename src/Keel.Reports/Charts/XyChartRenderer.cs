namespace Keel.Reports;

/// <summary>Line and scatter charts: shared axes, grid, optional y = x reference and legend.</summary>
internal static class XyChartRenderer
{
    private const double Left = 58, Top = 32, BottomMargin = 42, RightMargin = 16;

    public static string Render(bool lines, string title, string xLabel, string yLabel,
        IReadOnlyList<Series> series, ChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        var svg = new SvgWriter(lines ? "line-chart" : "scatter-chart", options.Width, options.Height, title);
        svg.Title(title);

        var showLegend = options.ShowLegend ?? series.Count > 1;
        var legendWidth = showLegend ? Math.Min(170, options.Width * 0.3) : 0;
        double x0 = Left, x1 = options.Width - RightMargin - legendWidth, y0 = options.Height - BottomMargin, y1 = Top;

        // Bounded before drawing: a PR curve over 100k test rows has ~100k points, far more than the pixels that show it.
        var finite = series.Select(s => s.Points.Where(IsFinite).ToList())
            .Select(p => lines ? Downsample.Lttb(p, options.MaxLinePoints) : Downsample.Even(p, options.MaxScatterPoints))
            .ToList();
        var all = finite.SelectMany(p => p).ToList();
        var (xs, ys) = Scales(all, options.DiagonalReference, x1 - x0, y0 - y1);

        DrawAxes(svg, xs, ys, x0, x1, y0, y1, xLabel, yLabel);
        if (all.Count == 0) svg.NoData((x0 + x1) / 2, (y0 + y1) / 2);

        if (options.DiagonalReference)
        {
            var lo = Math.Max(xs.Min, ys.Min);
            var hi = Math.Min(xs.Max, ys.Max);
            if (lo < hi)
            {
                svg.Line(xs.Map(lo, x0, x1), ys.Map(lo, y0, y1), xs.Map(hi, x0, x1), ys.Map(hi, y0, y1),
                    "#888", "diagonal", "5 4");
            }
        }

        for (var i = 0; i < series.Count; i++)
        {
            var color = Palette.Color(i);
            var pts = finite[i];
            var name = Markup.Escape(series[i].Name);
            if (lines)
            {
                var coords = string.Join(' ', pts.Select(p => $"{SvgWriter.C(xs.Map(p.X, x0, x1))},{SvgWriter.C(ys.Map(p.Y, y0, y1))}"));
                var dash = Palette.Dash(i) is { } d ? $" stroke-dasharray=\"{d}\"" : "";
                svg.Raw($"<polyline class=\"series-line\" data-series=\"{i}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" ")
                   .Raw($"stroke-linejoin=\"round\"{dash} points=\"{coords}\"><title>{name}</title></polyline>");
                // A single point draws no visible line; mark it so it is not lost.
                if (pts.Count == 1) Dot(svg, xs.Map(pts[0].X, x0, x1), ys.Map(pts[0].Y, y0, y1), color, 3.5);
            }
            else
            {
                svg.Raw($"<g class=\"series-points\" data-series=\"{i}\" fill=\"{color}\" fill-opacity=\"0.55\"><title>{name}</title>");
                foreach (var p in pts) Dot(svg, xs.Map(p.X, x0, x1), ys.Map(p.Y, y0, y1), null, 2.5);
                svg.Raw("</g>");
            }
        }

        if (showLegend) DrawLegend(svg, series, lines, x1 + 14, Top, legendWidth - 14);
        return svg.ToString();
    }

    private static bool IsFinite(Point p) => p is not null && double.IsFinite(p.X) && double.IsFinite(p.Y);

    private static (AxisScale X, AxisScale Y) Scales(List<Point> all, bool shared, double plotWidth, double plotHeight)
    {
        double xmin = double.NaN, xmax = double.NaN, ymin = double.NaN, ymax = double.NaN;
        if (all.Count > 0)
        {
            (xmin, xmax) = (all.Min(p => p.X), all.Max(p => p.X));
            (ymin, ymax) = (all.Min(p => p.Y), all.Max(p => p.Y));
        }
        var xTicks = Math.Clamp((int)(plotWidth / 70), 2, 10);
        var yTicks = Math.Clamp((int)(plotHeight / 45), 2, 10);
        if (shared && all.Count > 0)
        {
            // y = x only reads as a diagonal when both axes span the same range.
            (xmin, xmax) = (Math.Min(xmin, ymin), Math.Max(xmax, ymax));
            (ymin, ymax) = (xmin, xmax);
            xTicks = yTicks = Math.Min(xTicks, yTicks);
        }
        return (AxisScale.Create(xmin, xmax, xTicks), AxisScale.Create(ymin, ymax, yTicks));
    }

    private static void DrawAxes(SvgWriter svg, AxisScale xs, AxisScale ys, double x0, double x1, double y0, double y1,
        string xLabel, string yLabel)
    {
        svg.Raw("<g class=\"grid\" stroke=\"#e6e6e6\">");
        foreach (var t in xs.Ticks) svg.Line(xs.Map(t, x0, x1), y0, xs.Map(t, x0, x1), y1, "#e6e6e6");
        foreach (var t in ys.Ticks) svg.Line(x0, ys.Map(t, y0, y1), x1, ys.Map(t, y0, y1), "#e6e6e6");
        svg.Raw("</g>");

        svg.Raw("<g class=\"x-axis\">").Line(x0, y0, x1, y0, "#555");
        foreach (var t in xs.Ticks)
        {
            var x = xs.Map(t, x0, x1);
            svg.Line(x, y0, x, y0 + 4, "#555").Text(x, y0 + 15, NumberFormat.Tick(t, xs.Step), "middle", "tick", extra: TickValue(t));
        }
        svg.Text((x0 + x1) / 2, y0 + 32, xLabel, "middle", "axis-label", SvgWriter.CharsFitting(x1 - x0)).Raw("</g>");

        svg.Raw("<g class=\"y-axis\">").Line(x0, y0, x0, y1, "#555");
        foreach (var t in ys.Ticks)
        {
            var y = ys.Map(t, y0, y1);
            svg.Line(x0 - 4, y, x0, y, "#555").Text(x0 - 7, y + 4, NumberFormat.Tick(t, ys.Step), "end", "tick", extra: TickValue(t));
        }
        var cy = (y0 + y1) / 2;
        svg.Text(14, cy, yLabel, "middle", "axis-label", SvgWriter.CharsFitting(y0 - y1),
            $"transform=\"rotate(-90 14 {SvgWriter.C(cy)})\"").Raw("</g>");
    }

    private static void DrawLegend(SvgWriter svg, IReadOnlyList<Series> series, bool lines, double x, double y, double width)
    {
        svg.Raw("<g class=\"legend\">");
        var maxChars = SvgWriter.CharsFitting(width - 24);
        for (var i = 0; i < series.Count; i++)
        {
            var cy = y + 8 + i * 18;
            var color = Palette.Color(i);
            svg.Raw("<g class=\"legend-item\">");
            if (lines)
            {
                var dash = Palette.Dash(i) is { } d ? $" stroke-dasharray=\"{d}\"" : "";
                svg.Raw($"<line x1=\"{SvgWriter.C(x)}\" y1=\"{SvgWriter.C(cy)}\" x2=\"{SvgWriter.C(x + 18)}\" y2=\"{SvgWriter.C(cy)}\" stroke=\"{color}\" stroke-width=\"2.5\"{dash}/>");
            }
            else
            {
                Dot(svg, x + 9, cy, color, 4);
            }
            svg.Text(x + 24, cy + 4, series[i].Name, maxChars: maxChars).Raw("</g>");
        }
        svg.Raw("</g>");
    }

    // The exact tick value, so tests and tools need not parse the k/M-abbreviated label.
    private static string TickValue(double t) =>
        $"data-value=\"{t.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}\"";

    private static void Dot(SvgWriter svg, double cx, double cy, string? fill, double r) =>
        svg.Raw($"<circle cx=\"{SvgWriter.C(cx)}\" cy=\"{SvgWriter.C(cy)}\" r=\"{SvgWriter.C(r)}\"{(fill is null ? "" : $" fill=\"{fill}\"")}/>");
}
