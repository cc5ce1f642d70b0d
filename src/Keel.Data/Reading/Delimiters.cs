using System.Text;
using Keel.Core;

namespace Keel.Data;

/// <summary>Chooses the field delimiter of a delimited text file.</summary>
internal static class Delimiters
{
    /// <summary>The delimiters detected from a header, in the order that breaks ties.</summary>
    private static readonly char[] Candidates = [',', ';', '\t', '|'];

    /// <summary>How much of the file start is decoded to find the header line.</summary>
    private const int HeaderProbeBytes = 1 << 16;

    /// <summary>
    /// The delimiter given (",", ";", "|", a tab, or the names comma, semicolon, tab, pipe); else tab for a .tsv file; else the
    /// candidate (comma, semicolon, tab, pipe) found most often outside quotes on the header line, comma when none is found.
    /// </summary>
    public static char Choose(string path, string? given, Encoding encoding)
    {
        if (given is not null) return Parse(given);
        if (Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase)) return '\t';
        return Detect(HeaderLine(path, encoding));
    }

    /// <summary>The candidate seen most often outside quotes in <paramref name="header"/>; comma on a tie with comma or when none is seen.</summary>
    public static char Detect(ReadOnlySpan<char> header)
    {
        Span<int> counts = stackalloc int[Candidates.Length];
        var quoted = false;
        foreach (var c in header)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted && Array.IndexOf(Candidates, c) is var i and >= 0) counts[i]++;
        }
        var best = 0;
        for (var i = 1; i < counts.Length; i++)
        {
            if (counts[i] > counts[best]) best = i;
        }
        return Candidates[best];
    }

    /// <summary>What data.delimiter may be, for messages.</summary>
    public const string Expected = "expected comma, semicolon, tab or pipe (or the character itself: , ; |)";

    private static char Parse(string given) =>
        TryParse(given, out var c) ? c : throw new KeelInputException($"data.delimiter: {Expected}, got '{given}'.");

    /// <summary>The delimiter <paramref name="given"/> names: the character or its name (comma, semicolon, tab, pipe).</summary>
    public static bool TryParse(string given, out char delimiter)
    {
        delimiter = given.Trim() switch
        {
            "," or "comma" => ',',
            ";" or "semicolon" => ';',
            "\\t" or "tab" => '\t',
            "|" or "pipe" => '|',
            _ => given == "\t" ? '\t' : '\0',
        };
        return delimiter != '\0';
    }

    /// <summary>The first non-blank line of the file start (quoted line breaks are kept inside it).</summary>
    private static string HeaderLine(string path, Encoding encoding)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        var buffer = new byte[HeaderProbeBytes];
        var n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var text = encoding.GetString(buffer, 0, n).AsSpan().TrimStart("\uFEFF\r\n");
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') quoted = !quoted;
            else if (!quoted && text[i] is '\n' or '\r') return text[..i].ToString();
        }
        return text.ToString();
    }
}
