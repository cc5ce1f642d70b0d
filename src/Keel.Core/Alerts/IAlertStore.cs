namespace Keel.Core.Alerts;

/// <summary>One alert that fired: which rule, on what (a model or deployment), for which window, with the figure that broke it.</summary>
public sealed record AlertRecord
{
    /// <summary>Order in the store (assigned on append; ignored when appending).</summary>
    public long Id { get; init; }

    /// <summary>What was monitored: a model reference (credit-risk@champion) or a deployment name.</summary>
    public required string Scope { get; init; }

    /// <summary>The rule as written, e.g. "psi(distance) &gt; 0.2"; cooldown and de-duplication are per scope and rule.</summary>
    public required string Rule { get; init; }

    /// <summary>The figure's value in the window.</summary>
    public required double Value { get; init; }

    /// <summary>The window it was found in, e.g. "2026-03-01/2026-03-02" (de-duplication key); "" when not windowed.</summary>
    public string Window { get; init; } = "";

    /// <summary>When it fired.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The sinks that took it, comma-separated (e.g. "terminal,log,webhook"); failures are named as "webhook (failed: …)".</summary>
    public string Delivered { get; init; } = "";
}

/// <summary>Which alerts to list.</summary>
public sealed record AlertQuery
{
    /// <summary>Only this scope. Default null: every scope.</summary>
    public string? Scope { get; init; }

    /// <summary>Only alerts about this registered model: scope NAME, NAME@ALIAS or NAME:VERSION, or the name of a deployment whose champion
    /// or challenger is a version of it (deployment monitoring stores its alerts under the deployment's name). Default null: every scope.</summary>
    public string? Model { get; init; }

    /// <summary>Only alerts at or after this time. Default null: from the start.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>At most this many, newest first. Default 100.</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>The alert history: append-only, listed newest first. One contract suite checks every backend.</summary>
public interface IAlertStore
{
    /// <summary>Stores an alert and returns it with its id.</summary>
    Task<AlertRecord> AppendAsync(AlertRecord alert, CancellationToken ct = default);

    /// <summary>Alerts matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<AlertRecord>> ListAsync(AlertQuery query, CancellationToken ct = default);

    /// <summary>The latest alert of <paramref name="rule"/> on <paramref name="scope"/> (for cooldown), or null.</summary>
    Task<AlertRecord?> LastAsync(string scope, string rule, CancellationToken ct = default);

    /// <summary>Whether <paramref name="rule"/> already fired on <paramref name="scope"/> for <paramref name="window"/> (de-duplication).</summary>
    Task<bool> ExistsAsync(string scope, string rule, string window, CancellationToken ct = default);
}
