using System.Globalization;
using Keel.Core;
using Npgsql;

namespace Keel.Tracking.Postgres;

/// <summary>
/// A store URI <c>postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&amp;sslmode=MODE]</c> (also <c>postgres://</c>), read into
/// an Npgsql connection string. <c>schema</c> puts every table in that schema (created when missing); the password may also come
/// from PGPASSWORD or ~/.pgpass, as for psql.
/// </summary>
internal sealed record PostgresUri(string ConnectionString, string Description, string? Schema)
{
    /// <summary>True for the postgresql: and postgres: schemes.</summary>
    public static bool IsPostgres(string uri) =>
        uri.StartsWith("postgresql:", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase);

    /// <exception cref="KeelInputException">The URI has no host or database, a bad port or an unknown query parameter.</exception>
    public static PostgresUri Parse(string text)
    {
        KeelInputException Bad(string expected) =>
            new($"store URI '{Redact(text)}': expected {expected}, e.g. postgresql://keel@127.0.0.1:5432/keel?schema=team");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) throw Bad("a host");
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal)) throw Bad("a database name after the host");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = database,
            Pooling = true,
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        string? schema = null;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]).ToLowerInvariant();
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            switch (key)
            {
                case "schema" when value.Length > 0:
                    schema = value;
                    builder.SearchPath = value;
                    break;
                case "sslmode" when Enum.TryParse<SslMode>(value, ignoreCase: true, out var mode):
                    builder.SslMode = mode;
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "timeout" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds):
                    builder.Timeout = seconds;
                    break;
                default:
                    throw Bad($"query parameters schema=NAME, sslmode=disable|prefer|require|verify-ca|verify-full, application_name or timeout=SECONDS, got '{kv[0]}'");
            }
        }
        return new PostgresUri(builder.ConnectionString, Redact(text), schema);
    }

    /// <summary>The URI with any password replaced by "***", for messages and descriptions.</summary>
    public static string Redact(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (at < 0 || scheme < 0 || at < scheme) return text;
        var colon = text.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? text[..(colon + 1)] + "***" + text[at..] : text;
    }
}
