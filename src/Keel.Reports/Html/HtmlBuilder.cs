using System.Text;

namespace Keel.Reports;

/// <summary>Appends XHTML-compatible markup: every element explicitly closed, every user string escaped.</summary>
internal sealed class HtmlBuilder
{
    private readonly StringBuilder _sb = new(64 * 1024);

    /// <summary>Appends markup that is already safe (produced by this library).</summary>
    public HtmlBuilder Raw(string markup)
    {
        _sb.Append(markup);
        return this;
    }

    /// <summary>Appends escaped text.</summary>
    public HtmlBuilder Text(string? text)
    {
        _sb.Append(Markup.Escape(text));
        return this;
    }

    /// <summary>An element with escaped text content.</summary>
    public HtmlBuilder Element(string tag, string? text, string? cssClass = null) =>
        Raw(cssClass is null ? $"<{tag}>" : $"<{tag} class=\"{cssClass}\">").Text(text).Raw($"</{tag}>");

    /// <summary>A labelled fact tile; <paramref name="valueHtml"/> must already be escaped.</summary>
    public HtmlBuilder Fact(string key, string valueHtml) =>
        Raw("<div class=\"fact\"><span class=\"k\">").Text(key).Raw("</span><span class=\"v\">").Raw(valueHtml).Raw("</span></div>");

    /// <summary>A table; header and cells are already-escaped HTML, cells right-aligned where <paramref name="numeric"/> says so.</summary>
    public HtmlBuilder Table(string cssClass, IReadOnlyList<string> header, IEnumerable<TableRow> rows, IReadOnlyList<bool>? numeric = null)
    {
        string Cls(int i) => numeric is not null && i < numeric.Count && numeric[i] ? " class=\"num\"" : "";
        Raw($"<div class=\"table-wrap\"><table class=\"{cssClass}\"><thead><tr>");
        for (var i = 0; i < header.Count; i++) Raw($"<th{Cls(i)}>").Raw(header[i]).Raw("</th>");
        Raw("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            Raw(row.CssClass is null ? "<tr>" : $"<tr class=\"{row.CssClass}\">");
            for (var i = 0; i < row.Cells.Count; i++) Raw($"<td{Cls(i)}>").Raw(row.Cells[i]).Raw("</td>");
            Raw("</tr>");
        }
        return Raw("</tbody></table></div>");
    }

    /// <summary>A two-column key/value table with escaped text.</summary>
    public HtmlBuilder KeyValueTable(string cssClass, string keyHeader, string valueHeader, IEnumerable<KeyValuePair<string, string>> pairs) =>
        Table("kv " + cssClass, [Markup.Escape(keyHeader), Markup.Escape(valueHeader)],
            pairs.Select(p => new TableRow([Markup.HtmlLabel(p.Key, 48), $"<code>{Markup.Escape(p.Value)}</code>"])));

    /// <summary>A chart wrapped in a figure.</summary>
    public HtmlBuilder Figure(string svg) => Raw("<figure>").Raw(svg).Raw("</figure>");

    public override string ToString() => _sb.ToString();
}

/// <summary>One table row of already-escaped cells.</summary>
internal sealed record TableRow(IReadOnlyList<string> Cells, string? CssClass = null);
