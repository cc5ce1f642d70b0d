namespace Keel.Reports;

/// <summary>Series colours: the Okabe–Ito palette, distinguishable with common colour-vision deficiencies.</summary>
internal static class Palette
{
    /// <summary>Eight colours; past eight, colours repeat with a dash pattern so series stay apart.</summary>
    public static IReadOnlyList<string> Colors { get; } =
        ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#332288", "#7F7F7F"];

    /// <summary>Accent for highlighted bars (the selected model).</summary>
    public const string Accent = "#D55E00";

    /// <summary>Neutral bar colour.</summary>
    public const string Bar = "#0072B2";

    /// <summary>Colour of series <paramref name="index"/>.</summary>
    public static string Color(int index) => Colors[index % Colors.Count];

    /// <summary>Stroke dash pattern of series <paramref name="index"/>, or null for solid lines.</summary>
    public static string? Dash(int index) => (index / Colors.Count % 3) switch
    {
        0 => null,
        1 => "6 3",
        _ => "2 2",
    };
}
