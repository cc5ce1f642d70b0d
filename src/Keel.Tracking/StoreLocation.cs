using System.Text.RegularExpressions;
using Keel.Core;

namespace Keel.Tracking;

/// <summary>
/// The resolved places of a store: its SQLite file, or its PostgreSQL database (<see cref="Postgres"/>) with the local folder that
/// holds local-only files (<see cref="DatabasePath"/> then names a keel.db there that is never created), and its artifact root.
/// </summary>
internal sealed record StoreLocation(string DatabasePath, string ArtifactRoot, Keel.Tracking.Postgres.PostgresUri? Postgres = null)
{
    // At least two letters, so a Windows drive ("C:\keel") is read as a path, not a scheme.
    private static readonly Regex Scheme = new("^(?<s>[A-Za-z][A-Za-z0-9+.-]+):", RegexOptions.CultureInvariant);

    public string Description => Postgres is { } pg ? $"{pg.Description}, artifacts {ArtifactRoot}" : $"sqlite:{DatabasePath}, artifacts {ArtifactRoot}";

    /// <summary>Parses <see cref="StoreOptions.Uri"/> (a folder or sqlite:PATH) into absolute paths.</summary>
    /// <exception cref="KeelInputException">Empty URI, unsupported scheme or empty path.</exception>
    public static StoreLocation Parse(StoreOptions options)
    {
        var uri = options.Uri;
        if (string.IsNullOrWhiteSpace(uri))
            throw new KeelInputException("store URI '': expected a folder, sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE");
        var baseDir = options.BaseDirectory ?? Directory.GetCurrentDirectory();
        string Full(string p) => Path.GetFullPath(p, Path.GetFullPath(baseDir));

        if (Keel.Tracking.Postgres.PostgresUri.IsPostgres(uri))
        {
            // Artifacts stay files: a shared folder for a team (--artifacts / KEEL_ARTIFACTS), else .keel/artifacts here.
            var pgRoot = Full(options.ArtifactRoot ?? Path.Combine(".keel", "artifacts"));
            return new StoreLocation(Path.Combine(Path.GetDirectoryName(pgRoot)!, "keel.db"), pgRoot, Keel.Tracking.Postgres.PostgresUri.Parse(uri));
        }

        string db;
        string artifacts;
        var m = Scheme.Match(uri);
        if (m.Success)
        {
            if (!m.Groups["s"].Value.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
                throw new KeelInputException($"store URI '{uri}': unsupported scheme; expected a folder, sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE");
            var rest = uri[m.Length..];
            if (rest.StartsWith("///", StringComparison.Ordinal)) rest = rest[2..];
            else if (rest.StartsWith("//", StringComparison.Ordinal))
                throw new KeelInputException($"store URI '{uri}': expected sqlite:RELATIVE/PATH or sqlite:///ABSOLUTE/PATH");
            if (string.IsNullOrWhiteSpace(rest) || rest.EndsWith('/') || rest.EndsWith('\\'))
                throw new KeelInputException($"store URI '{uri}': expected a database file path after 'sqlite:'");
            db = Full(rest);
            artifacts = Path.Combine(Path.GetDirectoryName(db)!, "artifacts");
        }
        else
        {
            var folder = Full(uri);
            db = Path.Combine(folder, "keel.db");
            artifacts = Path.Combine(folder, "artifacts");
        }
        return new StoreLocation(db, options.ArtifactRoot is { } root ? Full(root) : artifacts);
    }
}
