using System.Text;
using Keel.Core;

namespace Keel.Data;

/// <summary>The text encodings data.encoding may name.</summary>
internal static class TextEncodings
{
    /// <summary>
    /// The encoding called <paramref name="name"/>: utf-8 (the default, checked strictly), latin1 (ISO-8859-1), windows-1252,
    /// or any other name .NET or its code-page provider knows (utf-16, iso-8859-15, shift_jis, ...).
    /// </summary>
    public static Encoding Resolve(string? name)
    {
        var key = name?.Trim().ToLowerInvariant();
        switch (key)
        {
            case null or "" or "utf-8" or "utf8":
                // The BOM is the preamble, so a reader skips a leading one; bad bytes are caught by TextSource first.
                return new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: false);
            case "latin1" or "latin-1" or "iso-8859-1" or "iso8859-1":
                return Encoding.Latin1;
            case "windows-1252" or "cp1252":
                return CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        }
        var encoding = CodePagesEncodingProvider.Instance.GetEncoding(key);
        if (encoding is not null) return encoding;
        try
        {
            return Encoding.GetEncoding(key);
        }
        catch (ArgumentException)
        {
            throw new KeelInputException(
                $"data.encoding: unknown encoding '{name}'; expected utf-8 (the default), latin1, windows-1252 or another standard name such as utf-16 or iso-8859-15.");
        }
    }
}
