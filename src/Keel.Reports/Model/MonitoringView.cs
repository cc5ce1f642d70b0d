namespace Keel.Reports;

/// <summary>What the monitoring report shows: the latest pass's windows and the stored timeline of figures.</summary>
public sealed record MonitoringReportModel
{
    /// <summary>Page title.</summary>
    public required string Title { get; init; }
    /// <summary>What the reference is.</summary>
    public required string Reference { get; init; }
    /// <summary>What the current data is.</summary>
    public required string Current { get; init; }
    /// <summary>Remarks for the whole pass.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>The windows of this pass, oldest first.</summary>
    public IReadOnlyList<MonitoringWindowView> Windows { get; init; } = [];
    /// <summary>Every stored window of the model version (this pass included), oldest first: label and figures.</summary>
    public IReadOnlyList<(string Window, IReadOnlyDictionary<string, double> Figures)> Timeline { get; init; } = [];
}

/// <summary>One window: its columns, schema findings and figures.</summary>
public sealed record MonitoringWindowView(string Window, long Rows, double DriftShare, IReadOnlyList<MonitoringColumnView> Columns,
    IReadOnlyList<string> Findings, IReadOnlyDictionary<string, double> Figures);

/// <summary>One column of a window: its statistics (name → value), verdict and the two histograms over the same bins.</summary>
public sealed record MonitoringColumnView(string Column, string Role, IReadOnlyList<(string Name, double? Value)> Statistics, string? Rule,
    bool Drifted, IReadOnlyList<string>? Bins, IReadOnlyList<double>? Reference, IReadOnlyList<double>? Current);
