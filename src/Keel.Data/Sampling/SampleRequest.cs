namespace Keel.Data.Sampling;

/// <summary>How rows are drawn.</summary>
public enum SampleStrategy
{
    /// <summary>N rows uniformly without replacement.</summary>
    Random,
    /// <summary>N rows, each class of the --by column keeping its share (largest remainders), uniformly within a class.</summary>
    Stratified,
    /// <summary>N rows without replacement with probability proportional to a weight column (Efraimidis–Spirakis), or each row
    /// kept with its class's rate.</summary>
    Weighted,
    /// <summary>N rows uniformly in one pass over the file, holding only N rows in memory (Algorithm R).</summary>
    Reservoir,
    /// <summary>As weighted by a weight column, plus a sample_weight column (1 / inclusion probability) so estimates stay unbiased.</summary>
    Importance,
}

/// <summary>What <see cref="Sampler"/> draws from where.</summary>
public sealed record SampleRequest
{
    /// <summary>The input: a CSV, TSV, JSON Lines or Parquet file.</summary>
    public required string Input { get; init; }

    /// <summary>The output file, of the input's format (a CSV with the input's delimiter and header, or a TSV).</summary>
    public required string Output { get; init; }

    /// <summary>The strategy.</summary>
    public required SampleStrategy Strategy { get; init; }

    /// <summary>Rows to draw; required except for weighted with class rates. Default null.</summary>
    public long? N { get; init; }

    /// <summary>The class column of stratified sampling and of class rates. Default null.</summary>
    public string? By { get; init; }

    /// <summary>A column of non-negative row weights (weighted, importance). Default null.</summary>
    public string? WeightColumn { get; init; }

    /// <summary>Per-class keep rates between 0 and 1 (weighted with --by). Default null.</summary>
    public IReadOnlyDictionary<string, double>? ClassRates { get; init; }

    /// <summary>Seed of every random draw. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>How options are named in messages: "--" (keel sample's --by) or "data.sample." (a spec's data.sample.by). Default "--".</summary>
    public string OptionPrefix { get; init; } = "--";

    /// <summary>How the input is read (missing tokens, delimiter, encoding). Default: the defaults.</summary>
    public ReadOptions Read { get; init; } = new();
}

/// <summary>What was drawn: sizes, seed and, for class-based strategies, rows per class; recorded with runs that sample.</summary>
public sealed record SampleOutcome(string Input, string Output, string Strategy, long InputRows, long SampledRows, int Seed)
{
    /// <summary>Drawn rows per class of the --by column (stratified, weighted by class). Default: none.</summary>
    public IReadOnlyDictionary<string, long> PerClass { get; init; } = new Dictionary<string, long>();
}
