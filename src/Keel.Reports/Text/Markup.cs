using System.Text;

namespace Keel.Reports;

/// <summary>Escaping and truncation shared by the SVG charts and the HTML report, so both stay well-formed XML.</summary>
internal static class Markup
{
    /// <summary>The ellipsis appended to truncated labels.</summary>
    public const char Ellipsis = '…';

    /// <summary>Escapes text for element content and double- or single-quoted attributes.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        sb.Append(c).Append(text[++i]);
                    }
                    else if (IsXmlChar(c))
                    {
                        sb.Append(c);
                    }
                    else
                    {
                        // Control characters and lone surrogates would make the document unparseable as XML.
                        sb.Append('\uFFFD');
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>The text cut to <paramref name="maxChars"/> characters (ellipsis included), or unchanged when it fits.</summary>
    public static string Truncate(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        var keep = Math.Max(1, maxChars - 1);
        // Don't split a surrogate pair.
        if (char.IsHighSurrogate(text[keep - 1])) keep--;
        return text[..keep] + Ellipsis;
    }

    /// <summary>HTML for a label that is truncated with the full text as a tooltip when too long.</summary>
    public static string HtmlLabel(string text, int maxChars) =>
        text.Length <= maxChars
            ? Escape(text)
            : $"<span title=\"{Escape(text)}\">{Escape(Truncate(text, maxChars))}</span>";

    private static bool IsXmlChar(char c) =>
        c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
}
