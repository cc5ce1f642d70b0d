using System.Text;
using Keel.Core;

namespace Keel.Data;

/// <summary>The text encodings data.encoding may name.</summary>
internal static class TextEncodings
{
    /// <summary>What data.encoding may be, for messages.</summary>
    public const string Expected = "expected utf-8 (the default), latin1, windows-1252 or another standard name such as utf-16 or iso-8859-15";

    /// <summary>The encoding called <paramref name="name"/>; unknown names throw <see cref="KeelInputException"/>.</summary>
    public static Encoding Resolve(string? name) =>
        TryResolve(name, out var encoding) ? encoding : throw new KeelInputException($"data.encoding: unknown encoding '{name}'; {Expected}.");

    /// <summary>
    /// The encoding called <paramref name="name"/>: utf-8 (the default, checked strictly), latin1 (ISO-8859-1), windows-1252,
    /// or any other name .NET or its code-page provider knows (utf-16, iso-8859-15, shift_jis, ...).
    /// </summary>
    public static bool TryResolve(string? name, out Encoding encoding)
    {
        var key = name?.Trim().ToLowerInvariant();
        switch (key)
        {
            case null or "" or "utf-8" or "utf8":
                // The BOM is the preamble, so a reader skips a leading one; bad bytes are caught by TextSource first.
                encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: false);
                return true;
            case "latin1" or "latin-1" or "iso-8859-1" or "iso8859-1":
                encoding = Encoding.Latin1;
                return true;
        }
        // windows-1252, iso-8859-15, shift_jis, ... come from the code-page provider; utf-16 and utf-32 from .NET itself.
        if (CodePagesEncodingProvider.Instance.GetEncoding(key) is { } paged)
        {
            encoding = paged;
            return true;
        }
        try
        {
            encoding = Encoding.GetEncoding(key);
            return true;
        }
        catch (ArgumentException)
        {
            encoding = Encoding.UTF8;
            return false;
        }
    }
}
