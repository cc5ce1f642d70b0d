using Keel.Core.Data;

namespace Keel.Data;

/// <summary>Summary statistics of one column; for numbers, Mean to Histogram cover the finite values (infinities count in Count only).</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Type">The column's type.</param>
/// <param name="Count">Non-missing values.</param>
/// <param name="Missing">Missing values.</param>
/// <param name="Distinct">Distinct non-missing values.</param>
/// <param name="Mean">Mean (numeric and date/time; for boolean, the share of true); null otherwise or when nothing is present.</param>
/// <param name="Std">Sample standard deviation (n - 1), numeric and date/time with at least 2 values; else null.</param>
/// <param name="Min">Minimum (numeric and date/time); else null.</param>
/// <param name="Max">Maximum (numeric and date/time); else null.</param>
/// <param name="Median">Median (numeric and date/time); else null.</param>
/// <param name="Histogram">Numeric and date/time: up to 20 equal-width bins from Min to Max (last bin closed); else empty.</param>
/// <param name="TopValues">Categorical, text and boolean: the 10 most frequent values (ties by value); else empty.</param>
public sealed record ColumnProfile(string Name, ColumnType Type, int Count, int Missing, int Distinct,
    double? Mean, double? Std, double? Min, double? Max, double? Median,
    IReadOnlyList<HistogramBin> Histogram,
    IReadOnlyList<CategoryCount> TopValues);

/// <summary>One histogram bin: values in [Lower, Upper) (the last bin also holds Upper).</summary>
public sealed record HistogramBin(double Lower, double Upper, int Count);

/// <summary>A value and how many rows hold it.</summary>
public sealed record CategoryCount(string Value, int Count);

/// <summary>The profile of a table: its row count and one profile per column, in column order.</summary>
public sealed record TableProfile(int Rows, IReadOnlyList<ColumnProfile> Columns);
