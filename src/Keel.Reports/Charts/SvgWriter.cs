using System.Text;

namespace Keel.Reports;

/// <summary>Builds one well-formed SVG element; all text passes through <see cref="Markup.Escape"/>.</summary>
internal sealed class SvgWriter
{
    public const string Namespace = "http://www.w3.org/2000/svg";
    private const double CharWidth = 6.2;
    private readonly StringBuilder _sb = new();

    public SvgWriter(string cssClass, int width, int height, string title)
    {
        if (width < 40 || height < 20)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Chart size {width}x{height} is too small; expected at least 40x20.");
        }
        Width = width;
        Height = height;
        _sb.Append($"<svg xmlns=\"{Namespace}\" class=\"keel-chart {cssClass}\" width=\"{width}\" height=\"{height}\" ")
           .Append($"viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{Markup.Escape(title)}\" ")
           .Append("font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\" font-size=\"11\" fill=\"#222\">")
           .Append("<title>").Append(Markup.Escape(title)).Append("</title>");
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>How many characters of 11 px text fit in <paramref name="pixels"/>.</summary>
    public static int CharsFitting(double pixels) => Math.Max(3, (int)(pixels / CharWidth));

    /// <summary>Appends raw, already-escaped markup.</summary>
    public SvgWriter Raw(string markup)
    {
        _sb.Append(markup);
        return this;
    }

    /// <summary>A text element, truncated to <paramref name="maxChars"/> with the full text as tooltip.</summary>
    public SvgWriter Text(double x, double y, string text, string anchor = "start", string? cssClass = null,
        int maxChars = int.MaxValue, string? extra = null)
    {
        _sb.Append($"<text x=\"{C(x)}\" y=\"{C(y)}\"");
        if (anchor != "start") _sb.Append($" text-anchor=\"{anchor}\"");
        if (cssClass is not null) _sb.Append($" class=\"{cssClass}\"");
        if (extra is not null) _sb.Append(' ').Append(extra);
        _sb.Append('>');
        if (text.Length > maxChars)
        {
            _sb.Append("<title>").Append(Markup.Escape(text)).Append("</title>")
               .Append(Markup.Escape(Markup.Truncate(text, maxChars)));
        }
        else
        {
            _sb.Append(Markup.Escape(text));
        }
        _sb.Append("</text>");
        return this;
    }

    /// <summary>The chart title, centred at the top.</summary>
    public SvgWriter Title(string title) =>
        Text(Width / 2.0, 18, title, "middle", "chart-title", CharsFitting(Width - 16) * 10 / 12,
            "font-size=\"13\" font-weight=\"600\"");

    public SvgWriter Line(double x1, double y1, double x2, double y2, string stroke, string? cssClass = null, string? dash = null)
    {
        _sb.Append($"<line x1=\"{C(x1)}\" y1=\"{C(y1)}\" x2=\"{C(x2)}\" y2=\"{C(y2)}\" stroke=\"{stroke}\"");
        if (cssClass is not null) _sb.Append($" class=\"{cssClass}\"");
        if (dash is not null) _sb.Append($" stroke-dasharray=\"{dash}\"");
        _sb.Append("/>");
        return this;
    }

    public SvgWriter Rect(double x, double y, double w, double h, string fill, string? cssClass = null,
        string? tooltip = null, string? extra = null)
    {
        _sb.Append($"<rect x=\"{C(x)}\" y=\"{C(y)}\" width=\"{C(Math.Max(0, w))}\" height=\"{C(Math.Max(0, h))}\" fill=\"{fill}\"");
        if (cssClass is not null) _sb.Append($" class=\"{cssClass}\"");
        if (extra is not null) _sb.Append(' ').Append(extra);
        if (tooltip is null) return Raw("/>");
        return Raw(">").Raw("<title>").Raw(Markup.Escape(tooltip)).Raw("</title></rect>");
    }

    /// <summary>A centred note for charts without drawable data.</summary>
    public SvgWriter NoData(double cx, double cy) => Text(cx, cy, "no data", "middle", "no-data", extra: "fill=\"#888\"");

    public override string ToString() => _sb.ToString() + "</svg>";

    public static string C(double v) => NumberFormat.Coord(v);
}
