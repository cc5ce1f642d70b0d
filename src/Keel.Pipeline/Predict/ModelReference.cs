using System.Globalization;
using Keel.Core;

namespace Keel.Pipeline.Predict;

/// <summary>A registered model as named on the command line: NAME (its latest version), NAME@ALIAS or NAME:VERSION;
/// NAME@latest is the latest version too, unless the model has an alias of that name (<see cref="Latest"/>).</summary>
/// <param name="Name">Registered model name.</param>
/// <param name="Alias">The alias followed, or null.</param>
/// <param name="Version">A pinned version, or null.</param>
public sealed record ModelReference(string Name, string? Alias, int? Version)
{
    /// <summary>The alias that names the latest version when the model has no alias of that name (as MLflow's "latest").</summary>
    public const string Latest = "latest";

    /// <summary>Whether the version can move (an alias or "latest"): servers poll and follow it.</summary>
    public bool Moves => Version is null;

    /// <summary>Parses NAME, NAME@ALIAS or NAME:VERSION.</summary>
    /// <exception cref="KeelInputException">Empty parts or a version that is not a positive integer.</exception>
    public static ModelReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var colon = text.LastIndexOf(':');
        if (at > 0 && at < text.Length - 1 && colon < 0) return new ModelReference(text[..at], text[(at + 1)..], null);
        if (colon > 0 && at < 0)
        {
            if (int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0)
                return new ModelReference(text[..colon], null, v);
            throw new KeelInputException($"model '{text}': the version after ':' must be a positive whole number, e.g. credit-risk:3.");
        }
        if (at < 0 && text.Length > 0 && !string.IsNullOrWhiteSpace(text)) return new ModelReference(text, null, null);
        throw new KeelInputException($"model '{text}': expected NAME, NAME@ALIAS or NAME:VERSION, e.g. credit-risk@champion.");
    }

    /// <summary>As given: NAME, NAME@ALIAS or NAME:VERSION.</summary>
    public override string ToString() =>
        Alias is not null ? $"{Name}@{Alias}" : Version is { } v ? $"{Name}:{v.ToString(CultureInfo.InvariantCulture)}" : Name;
}
