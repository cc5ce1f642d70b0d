namespace Keel.Core.Data;

/// <summary>The logical type of a column, inferred from the data or set in the spec.</summary>
public enum ColumnType
{
    /// <summary>Real numbers; stored as doubles, missing as NaN.</summary>
    Numeric,
    /// <summary>A small set of repeated string values.</summary>
    Categorical,
    /// <summary>Free text, featurised as words/character n-grams.</summary>
    Text,
    /// <summary>Timestamps; stored as seconds since the Unix epoch (UTC), missing as NaN.</summary>
    DateTime,
    /// <summary>true/false; stored as 1/0, missing as NaN.</summary>
    Boolean,
}

/// <summary>The learning task.</summary>
public enum TaskKind
{
    Binary,
    Multiclass,
    Regression,
}
