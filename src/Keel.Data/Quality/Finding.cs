namespace Keel.Data.Quality;

/// <summary>How serious a finding is: info (worth knowing), warning (likely to hurt a model), error (fails a gated run).</summary>
public enum Severity
{
    /// <summary>Worth knowing; nothing has to change.</summary>
    Info,
    /// <summary>Likely to hurt a model or its evaluation.</summary>
    Warning,
    /// <summary>Wrong for training or scoring; a gated run fails on it.</summary>
    Error,
}

/// <summary>One finding of a data check: what was found, where (columns, 0-based data rows) and how to fix it.</summary>
/// <param name="Check">The check's name, e.g. duplicate_rows or target_leakage.</param>
/// <param name="Severity">How serious it is.</param>
/// <param name="Message">What was found, naming the columns, values and counts.</param>
public sealed record Finding(string Check, Severity Severity, string Message)
{
    /// <summary>At most this many rows are listed in <see cref="Rows"/>; <see cref="RowCount"/> counts them all.</summary>
    public const int MaxListedRows = 100;

    /// <summary>The columns concerned. Default: none.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>The first rows concerned (0-based data rows: row 0 is the first row after the header). Default: none.</summary>
    public IReadOnlyList<int> Rows { get; init; } = [];

    /// <summary>How many rows are concerned in all. Default 0.</summary>
    public int RowCount { get; init; }

    /// <summary>How to fix it. Default: null.</summary>
    public string? Fix { get; init; }

    /// <summary>The first <see cref="MaxListedRows"/> of <paramref name="rows"/>.</summary>
    public static int[] Listed(IEnumerable<int> rows) => rows.Take(MaxListedRows).ToArray();
}
