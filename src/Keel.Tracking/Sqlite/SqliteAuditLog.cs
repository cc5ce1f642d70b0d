using Keel.Core.Access;

namespace Keel.Tracking.Sqlite;

/// <summary><see cref="IAuditLog"/> in the tracking database (table audit_log; triggers refuse updates and deletions).</summary>
internal sealed class SqliteAuditLog(StoreDatabase db) : IAuditLog
{
    public Task<AuditEntry> AppendAsync(AuditEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return db.WriteAsync(async (conn, tx) =>
        {
            var seq = Convert.ToInt64(await conn.ScalarAsync(tx, """
                INSERT INTO audit_log (at, actor, action, target, status) VALUES ($t, $a, $x, $g, $s) RETURNING seq;
                """, ct, ("$t", TimeText.Write(entry.At)), ("$a", entry.Actor), ("$x", entry.Action), ("$g", entry.Target), ("$s", entry.Status)),
                System.Globalization.CultureInfo.InvariantCulture);
            return entry with { Seq = seq };
        }, ct);
    }

    public Task<IReadOnlyList<AuditEntry>> ListAsync(int limit, CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<AuditEntry>>(async (conn, tx) => (await conn.QueryAsync(tx, """
            SELECT seq, at, actor, action, target, status FROM (SELECT * FROM audit_log ORDER BY seq DESC LIMIT $n) AS recent ORDER BY seq;
            """, r => new AuditEntry(r.GetInt64(0), TimeText.Read(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetString(4), (int)r.GetInt64(5)),
            ct, ("$n", Math.Max(0, limit)))), ct);
}
