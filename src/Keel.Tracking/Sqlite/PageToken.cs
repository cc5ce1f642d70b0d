using System.Globalization;
using System.Text;
using Keel.Core;

namespace Keel.Tracking.Sqlite;

/// <summary>Opaque page tokens: base64 of "offset:N".</summary>
internal static class PageToken
{
    public static string Encode(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    /// <exception cref="KeelInputException">The token was not produced by <see cref="Encode"/>.</exception>
    public static int Decode(string? token)
    {
        if (token is null) return 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                return offset;
        }
        catch (FormatException) { }
        throw new KeelInputException($"run search page token '{token}': expected a token returned by a previous search");
    }
}
