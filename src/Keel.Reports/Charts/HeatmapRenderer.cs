namespace Keel.Reports;

/// <summary>A grid of shaded cells with the value written in each (confusion matrices).</summary>
internal static class HeatmapRenderer
{
    private const double Top = 34, RightMargin = 12;

    public static string Render(string title, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        double[][] values, ChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(rowLabels);
        ArgumentNullException.ThrowIfNull(columnLabels);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != rowLabels.Count || values.Any(r => r is null || r.Length != columnLabels.Count))
        {
            throw new ArgumentException(
                $"Heatmap '{title}': expected {rowLabels.Count} rows of {columnLabels.Count} values to match the labels.",
                nameof(values));
        }

        var svg = new SvgWriter("heatmap", options.Width, options.Height, title);
        svg.Title(title);
        int k = rowLabels.Count, m = columnLabels.Count;
        if (k == 0 || m == 0) return svg.NoData(options.Width / 2.0, options.Height / 2.0).ToString();

        var rowChars = Math.Min(14, rowLabels.Max(l => l.Length));
        var left = rowChars * 6.2 + 12 + (options.RowAxisTitle is null ? 0 : 18);
        var colChars = Math.Min(14, columnLabels.Max(l => l.Length));
        var cellW = (options.Width - left - RightMargin) / m;
        var rotate = colChars * 6.2 > cellW - 4;
        var bottom = (rotate ? colChars * 4.6 + 14 : 20) + (options.ColumnAxisTitle is null ? 4 : 20);
        var cell = Math.Max(4, Math.Min(cellW, (options.Height - Top - bottom) / k));
        double gx = left, gy = Top, gw = cell * m, gh = cell * k;

        var finite = values.SelectMany(r => r).Where(double.IsFinite).ToList();
        var max = finite.Count == 0 ? 0 : finite.Max(Math.Abs);
        var fontSize = Math.Clamp(cell * 0.32, 7, 14);

        svg.Raw("<g class=\"cells\">");
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < m; j++)
            {
                var v = values[i][j];
                var intensity = double.IsFinite(v) && max > 0 ? Math.Abs(v) / max : 0;
                var fill = double.IsFinite(v) ? Shade(intensity) : "#eeeeee";
                var text = NumberFormat.Value(v);
                svg.Rect(gx + j * cell, gy + i * cell, cell, cell, fill, "cell",
                    $"{rowLabels[i]} → {columnLabels[j]}: {text}", $"data-row=\"{i}\" data-col=\"{j}\" stroke=\"#fff\"");
                svg.Text(gx + (j + 0.5) * cell, gy + (i + 0.5) * cell + fontSize * 0.35, text, "middle", "cell-value",
                    extra: $"font-size=\"{SvgWriter.C(fontSize)}\" fill=\"{(intensity > 0.55 ? "#fff" : "#222")}\"");
            }
        }
        svg.Raw("</g>");

        for (var i = 0; i < k; i++)
        {
            svg.Text(gx - 6, gy + (i + 0.5) * cell + 4, rowLabels[i], "end", "row-label", 14);
        }
        for (var j = 0; j < m; j++)
        {
            var x = gx + (j + 0.5) * cell;
            var y = gy + gh + 14;
            svg.Text(x, y, columnLabels[j], rotate ? "end" : "middle", "col-label", 14,
                rotate ? $"transform=\"rotate(-40 {SvgWriter.C(x)} {SvgWriter.C(y)})\"" : null);
        }
        if (options.ColumnAxisTitle is { } colTitle)
        {
            svg.Text(gx + gw / 2, Math.Min(options.Height - 4, gy + gh + bottom), colTitle, "middle", "axis-label");
        }
        if (options.RowAxisTitle is { } rowTitle)
        {
            var cy = gy + gh / 2;
            svg.Text(12, cy, rowTitle, "middle", "axis-label", extra: $"transform=\"rotate(-90 12 {SvgWriter.C(cy)})\"");
        }
        return svg.ToString();
    }

    // Interpolates white → Okabe–Ito blue (#0072B2).
    private static string Shade(double t)
    {
        static int Mix(int from, int to, double t) => (int)Math.Round(from + (to - from) * t);
        t = 0.06 + 0.94 * Math.Clamp(t, 0, 1);
        return $"#{Mix(255, 0x00, t):X2}{Mix(255, 0x72, t):X2}{Mix(255, 0xB2, t):X2}";
    }
}
