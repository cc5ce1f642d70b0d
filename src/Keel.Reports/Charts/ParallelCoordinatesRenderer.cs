using System.Text;

namespace Keel.Reports;

/// <summary>Parallel coordinates: one vertical axis per dimension, one polyline per row, coloured by the last dimension.</summary>
internal static class ParallelCoordinatesRenderer
{
    public static string Render(string title, IReadOnlyList<ParallelAxis> axes, IReadOnlyList<double[]> rows, ChartOptions options)
    {
        var svg = new SvgWriter("parallel", options.Width, options.Height, title).Title(title);
        if (axes.Count < 2 || rows.Count == 0) return svg.NoData(options.Width / 2.0, options.Height / 2.0).ToString();
        double left = 40, right = options.Width - 40, top = 44, bottom = options.Height - 40;
        double X(int i) => left + (right - left) * i / (axes.Count - 1);
        var ranges = axes.Select((a, i) =>
        {
            var values = rows.Select(r => Scale(a, r[i])).Where(double.IsFinite).ToArray();
            return values.Length == 0 ? (0.0, 1.0) : (values.Min(), values.Max());
        }).ToArray();
        double Y(int i, double v)
        {
            var (lo, hi) = ranges[i];
            var t = hi > lo ? (Scale(axes[i], v) - lo) / (hi - lo) : 0.5;
            return bottom - t * (bottom - top);
        }
        var (clo, chi) = ranges[^1];
        // Lines first, the best (by the colour axis' direction) drawn last so they sit on top.
        foreach (var row in rows.OrderBy(r => axes[^1].HigherIsBetter ? r[^1] : -r[^1]))
        {
            var c = chi > clo && double.IsFinite(row[^1]) ? (Scale(axes[^1], row[^1]) - clo) / (chi - clo) : 0.5;
            if (!axes[^1].HigherIsBetter) c = 1 - c;
            var path = new StringBuilder();
            var pen = false;
            for (var i = 0; i < axes.Count; i++)
            {
                if (!double.IsFinite(row[i])) { pen = false; continue; } // an inactive (conditional) parameter breaks the line
                path.Append(pen ? " L" : " M").Append(SvgWriter.C(X(i))).Append(' ').Append(SvgWriter.C(Y(i, row[i])));
                pen = true;
            }
            svg.Raw($"<path class=\"pc-line\" d=\"{path.ToString().Trim()}\" fill=\"none\" stroke=\"{Colour(c)}\" stroke-opacity=\"0.7\" stroke-width=\"1.2\"/>");
        }
        for (var i = 0; i < axes.Count; i++)
        {
            svg.Line(X(i), top, X(i), bottom, "#555");
            svg.Text(X(i), bottom + 14, axes[i].Name, "middle", maxChars: SvgWriter.CharsFitting((right - left) / Math.Max(1, axes.Count - 1)));
            var (lo, hi) = ranges[i];
            svg.Text(X(i) + 3, top - 4, Label(axes[i], hi), "start", extra: "fill=\"#666\" font-size=\"9\"");
            svg.Text(X(i) + 3, bottom + 26, Label(axes[i], lo), "start", extra: "fill=\"#666\" font-size=\"9\"");
        }
        return svg.ToString();
    }

    private static double Scale(ParallelAxis axis, double v) => axis.Log ? (v > 0 ? Math.Log(v) : double.NaN) : v;

    private static string Label(ParallelAxis axis, double scaled) =>
        axis.Choices is { Count: > 0 } choices ? choices[(int)Math.Clamp(Math.Round(scaled), 0, choices.Count - 1)]
        : NumberFormat.Metric(axis.Log ? Math.Exp(scaled) : scaled);

    /// <summary>From a pale blue (worst) to a deep orange (best).</summary>
    private static string Colour(double t)
    {
        t = Math.Clamp(t, 0, 1);
        int R(double a, double b) => (int)Math.Round(a + (b - a) * t);
        return $"#{R(0x9e, 0xd9):x2}{R(0xc6, 0x5f):x2}{R(0xe8, 0x02):x2}";
    }
}
