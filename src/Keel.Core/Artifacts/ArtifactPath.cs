namespace Keel.Core.Artifacts;

/// <summary>Validation of the run-relative paths artifacts are logged under (e.g. "models/lightgbm.keelmodel").</summary>
public static class ArtifactPath
{
    /// <summary>Returns the normalised path ('/' separated) or throws when it is empty, rooted, or has '.', '..' or empty segments.</summary>
    /// <exception cref="ArgumentException">The path could escape its root or is malformed.</exception>
    public static string Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("An artifact path must not be empty.", nameof(path));
        var p = path.Replace('\\', '/');
        if (p.StartsWith('/') || (p.Length > 1 && p[1] == ':'))
            throw new ArgumentException($"Artifact path '{path}' must be relative.", nameof(path));
        foreach (var seg in p.Split('/'))
        {
            if (seg.Length == 0 || seg == "." || seg == "..")
                throw new ArgumentException($"Artifact path '{path}' has an empty, '.' or '..' segment.", nameof(path));
            if (seg.Any(ch => ch < 32))
                throw new ArgumentException($"Artifact path '{path}' has a control character.", nameof(path));
        }
        return p;
    }

    /// <summary>Whether <paramref name="sha256"/> is 64 lower-case hex characters.</summary>
    public static bool IsSha256(string sha256) =>
        sha256 is { Length: 64 } && sha256.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
