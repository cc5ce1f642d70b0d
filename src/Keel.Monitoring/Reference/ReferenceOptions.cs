namespace Keel.Monitoring.Reference;

/// <summary>How a reference profile is built.</summary>
public sealed record ReferenceOptions
{
    /// <summary>Most values kept per numeric column; above it a seeded uniform sample is kept. Default 100,000
    /// (800 kB per column as doubles). KS and Wasserstein then compare the window with the sample: their sampling error
    /// is about 1/sqrt(MaxSample), e.g. ±0.004 on the KS statistic; PSI, range, mean and missing rate use every value.</summary>
    public int MaxSample { get; init; } = 100_000;

    /// <summary>Seed of the sample. Default 0: the same data gives the same profile.</summary>
    public int Seed { get; init; }

    /// <summary>Validates the options.</summary>
    public ReferenceOptions Validate() =>
        MaxSample >= 100 ? this : throw new ArgumentOutOfRangeException(nameof(MaxSample), MaxSample, "A reference sample needs at least 100 values.");
}
