namespace Keel.Core.Access;

/// <summary>One write that reached the tracking server: who (token id and name, or "anonymous"), what, on what, when, and its HTTP status.</summary>
/// <param name="Seq">Position in the log (assigned by the store; 0 before it is stored).</param>
/// <param name="At">When the request finished.</param>
/// <param name="Actor">"token ID (NAME)", or "anonymous" when no valid token was presented.</param>
/// <param name="Action">Method and route, e.g. "POST /api/v1/runs".</param>
/// <param name="Target">What it acted on, e.g. "run 3f2a…" or "model churn"; empty when the request named nothing.</param>
/// <param name="Status">The HTTP status answered (refused writes are logged too).</param>
public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Action, string Target, int Status);

/// <summary>Append-only log of writes; the database refuses edits and deletions of stored entries. One contract suite checks every backend.</summary>
public interface IAuditLog
{
    /// <summary>Appends an entry and returns it with its sequence number.</summary>
    Task<AuditEntry> AppendAsync(AuditEntry entry, CancellationToken ct = default);

    /// <summary>The most recent <paramref name="limit"/> entries, oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(int limit, CancellationToken ct = default);
}
