using Keel.Monitoring.Drift;
using Keel.Monitoring.Reference;

namespace Keel.Pipeline.Monitor;

/// <summary>What <c>keel monitor</c> compares: a reference (a model's stored one, or a file) with current data (a file, or a
/// deployment's prediction log), window by window.</summary>
public sealed record MonitorRequest
{
    /// <summary>The model whose stored reference is used, e.g. "credit@champion". Default null: <see cref="ReferencePath"/> is.</summary>
    public string? Model { get; init; }
    /// <summary>A reference table file (compared as a second table). Default null.</summary>
    public string? ReferencePath { get; init; }
    /// <summary>The deployment whose prediction log is the current data (and whose champion gives the reference when no
    /// other is named). Default null: <see cref="DataPath"/> is.</summary>
    public string? Deployment { get; init; }
    /// <summary>With <see cref="Deployment"/>: only the requests this arm answered, "champion" or "challenger" (its shadow copies included; its model then gives the
    /// reference when no other is named). Default null: both.</summary>
    public string? Arm { get; init; }
    /// <summary>The current data file. Default null.</summary>
    public string? DataPath { get; init; }
    /// <summary>How the current data is cut, e.g. "1d", "7d", "1mo", "50000". Default null: one window.</summary>
    public string? Window { get; init; }
    /// <summary>The date-time column of the current (and reference) file. Default null.</summary>
    public string? TimeColumn { get; init; }
    /// <summary>Seasonal reference (reference files only): "same-weekday" compares each window with the reference rows of the
    /// same weekdays; "FROM..TO" (dates) uses only that period of the reference. Default null: every reference row.</summary>
    public string? ReferencePeriod { get; init; }
    /// <summary>The verdict rule and per-column overrides. Default: <see cref="DriftOptions"/>' defaults.</summary>
    public DriftOptions Drift { get; init; } = new();
    /// <summary>How a reference file is profiled. Default: <see cref="ReferenceOptions"/>' defaults.</summary>
    public ReferenceOptions Reference { get; init; } = new();
    /// <summary>A spec or deployment file whose <c>monitor:</c> section holds alert rules evaluated on every window. Default null: with
    /// <see cref="Deployment"/>, the deployment's stored file's rules; otherwise no alerts.</summary>
    public string? AlertsPath { get; init; }
    /// <summary>A labels file joined to the scored data by <see cref="LabelsKey"/> (with <see cref="DataPath"/> and a model). Default null.</summary>
    public string? LabelsPath { get; init; }
    /// <summary>The key column present in both the data file and the labels file. Default null (required with <see cref="LabelsPath"/>).</summary>
    public string? LabelsKey { get; init; }
    /// <summary>The label column of the labels file. Default null: the label the model was trained on.</summary>
    public string? LabelColumn { get; init; }
    /// <summary>Prediction log only: the earliest request time read (inclusive). Default null: from the first request.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>Prediction log only: the latest request time read (exclusive). Default null: up to the last request. With
    /// <see cref="From"/> and no <see cref="Window"/>, the one window is labelled FROM..TO (its key for alert de-duplication).</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>Whether windows are stored with the model version (when one is known). Default true.</summary>
    public bool Store { get; init; } = true;
    /// <summary>How the CSV and JSON Lines files (data, reference, labels) are read: their encoding, delimiter and decimal mark.
    /// Default: UTF-8, checked strictly; each file's delimiter detected; a decimal comma in a semicolon-delimited file.</summary>
    public Keel.Data.ReadOptions Text { get; init; } = new();
}
