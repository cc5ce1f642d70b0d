using System.Data.Common;
using System.Runtime.CompilerServices;
using Keel.Core.PredictionLog;
using Keel.Tracking.Sqlite;

namespace Keel.Tracking.PredictionLog;

/// <summary>The predictions table's columns, the same on SQLite and PostgreSQL, and one row of it read back.</summary>
internal static class PredictionRows
{
    public const string Columns = "request_id, time_ms, model, version, arm, endpoint, latency_ms, rows, inputs, outputs, deployment";

    /// <summary>
    /// What a request served without a deployment stores as its deployment: the empty text, so that null is left to requests logged
    /// before the column existed (a deployment's query takes those by model).
    /// </summary>
    public const string NoDeployment = "";

    /// <summary>
    /// <see cref="Filter"/> for <paramref name="query"/>, asking first, for a deployment's query, whether the log holds requests an older
    /// Keel wrote without their deployment that could be its own: only then is the slower condition that also takes them by model used.
    /// </summary>
    public static async Task<(string Where, (string, object?)[] Args)> FilterAsync(DbConnection conn, DbTransaction? tx, PredictionQuery query, CancellationToken ct)
    {
        if (query.Deployment is null) return Filter(query, legacy: false);
        var any = await conn.ScalarAsync(tx, $"SELECT EXISTS (SELECT 1 FROM predictions WHERE {Legacy(query)});", ct, [.. ModelArgs(query)]);
        return Filter(query, legacy: Convert.ToBoolean(any, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The parameters <see cref="Legacy"/> reads: the model, and for a deployment created at a known time that time.</summary>
    private static IEnumerable<(string, object?)> ModelArgs(PredictionQuery query)
    {
        yield return ("$m", query.Model);
        if (query.Deployment is not null && query.DeploymentCreated is { } created) yield return ("$created", created.ToUnixTimeMilliseconds());
    }

    /// <summary>The condition on requests logged without their deployment that a deployment's query takes by model.</summary>
    private static string Legacy(PredictionQuery query) =>
        query.DeploymentCreated is null ? "deployment IS NULL AND model = $m" : "deployment IS NULL AND model = $m AND time_ms >= $created";

    /// <summary>The condition and parameters of a <see cref="PredictionQuery"/> ($-parameters, among them <c>$limit</c>): clauses only for
    /// what it names, since an untyped NULL parameter is an error on PostgreSQL. A deployment's query takes requests logged without
    /// their deployment by model too when <paramref name="legacy"/>; its OR costs a sort of every selected request (a million took
    /// 23 s where the deployment's index alone took 15).</summary>
    public static (string Where, (string, object?)[] Args) Filter(PredictionQuery query, bool legacy)
    {
        var where = new List<string> { query.Deployment is null ? "model = $m" : legacy ? $"(deployment = $d OR ({Legacy(query)}))" : "deployment = $d" };
        var args = new List<(string, object?)>(ModelArgs(query)) { ("$limit", Math.Max(0, query.Limit)) };
        if (query.Deployment is { } d) args.Add(("$d", d));
        if (query.Version is { } v)
        {
            where.Add("version = $v");
            args.Add(("$v", v));
        }
        if (query.From is { } from)
        {
            where.Add("time_ms >= $from");
            args.Add(("$from", from.ToUnixTimeMilliseconds()));
        }
        if (query.To is { } to)
        {
            where.Add("time_ms < $to");
            args.Add(("$to", to.ToUnixTimeMilliseconds()));
        }
        if (query.Arms is { } only)
        {
            where.Add($"arm IN ({string.Join(", ", only.Select((_, i) => $"$arm{i}"))})");
            args.AddRange(only.Select((a, i) => ($"$arm{i}", (object?)a)));
        }
        if (query.ExcludeArm is { } arm)
        {
            where.Add("arm <> $xarm");
            args.Add(("$xarm", arm));
        }
        return (string.Join(" AND ", where), [.. args]);
    }

    /// <summary>The record in the reader's current row, selected as <see cref="Columns"/>; model, arm, endpoint and deployment (a few
    /// values over many rows) through <paramref name="shared"/>.</summary>
    private static PredictionRecord Read(DbDataReader r, Func<string, string> shared) => new()
    {
        RequestId = r.GetString(0),
        Time = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
        Model = shared(r.GetString(2)),
        Version = r.GetInt32(3),
        Arm = shared(r.GetString(4)),
        Endpoint = shared(r.GetString(5)),
        LatencyMs = r.GetDouble(6),
        Rows = r.GetInt32(7),
        InputsJson = r.GetString(8),
        OutputsJson = r.GetString(9),
        Deployment = r.IsDBNull(10) ? null : r.GetString(10) is var d && d.Length > 0 ? shared(d) : null, // empty: NoDeployment
    };

    /// <summary>The FROM … LIMIT tail of a query of the predictions <paramref name="where"/> selects, oldest first: the oldest
    /// <c>$limit</c> of them, or with <paramref name="newest"/> the newest <c>$limit</c>.</summary>
    private static string Selection(string where, bool newest) => newest
        ? $"FROM (SELECT * FROM predictions WHERE {where} ORDER BY time_ms DESC, request_id DESC LIMIT $limit) newest ORDER BY time_ms, request_id"
        : $"FROM predictions WHERE {where} ORDER BY time_ms, request_id LIMIT $limit";

    /// <summary>The predictions <paramref name="where"/> selects (a condition on the predictions table with $-parameters, among them
    /// <c>$limit</c>), oldest first, each with its feedback from <paramref name="feedbackTable"/>, read in <paramref name="tx"/>: first
    /// the feedback of the selected requests (one query; feedback is far rarer than predictions), then the predictions one at a time
    /// as the reader yields them. A shadow copy gets the feedback of the request it copied.</summary>
    public static async IAsyncEnumerable<LoggedPrediction> StreamAsync(DbConnection conn, DbTransaction tx, string feedbackTable, string where,
        bool newest, (string, object?)[] args, [EnumeratorCancellation] CancellationToken ct, bool withFeedback = false)
    {
        // A shadow copy's feedback is its request's: the copy's id is that request's with a suffix.
        var answered = $"CASE WHEN arm = '{PredictionRecord.ShadowArm}' AND request_id LIKE '%{PredictionRecord.ShadowSuffix}' THEN substr(request_id, 1, length(request_id) - {PredictionRecord.ShadowSuffix.Length}) ELSE request_id END";
        if (withFeedback) where = $"({where}) AND {answered} IN (SELECT request_id FROM {feedbackTable})";
        var selected = Selection(where, newest);
        var feedback = new Dictionary<string, List<FeedbackRecord>>(StringComparer.Ordinal);
        await using (var cmd = conn.Command(tx, $"SELECT request_id, outcome, time_ms FROM {feedbackTable} WHERE request_id IN (SELECT {answered} {selected}) ORDER BY id;", args))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var f = new FeedbackRecord(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
                if (!feedback.TryGetValue(f.RequestId, out var list)) feedback[f.RequestId] = list = [];
                list.Add(f);
            }
        }
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string s) => names.TryGetValue(s, out var one) ? one : names[s] = s;
        await using var predictions = conn.Command(tx, $"SELECT {Columns} {selected};", args);
        await using var rows = await predictions.ExecuteReaderAsync(ct);
        while (await rows.ReadAsync(ct))
        {
            var p = Read(rows, Shared);
            // Looked up, not removed: a request and its shadow copy share one feedback.
            yield return new LoggedPrediction(p, feedback.TryGetValue(PredictionRecord.AnsweredRequest(p.RequestId, p.Arm), out var f) ? f : []);
        }
    }

    /// <summary>Time, arm and latency of the requests <paramref name="where"/> selects (as for <see cref="StreamAsync"/>), oldest first.</summary>
    public static async IAsyncEnumerable<LoggedLatency> StreamLatenciesAsync(DbConnection conn, DbTransaction? tx, string where,
        bool newest, (string, object?)[] args, [EnumeratorCancellation] CancellationToken ct)
    {
        var arms = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = conn.Command(tx, $"SELECT time_ms, arm, latency_ms {Selection(where, newest)};", args);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var arm = reader.GetString(1);
            yield return new LoggedLatency(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), arms.TryGetValue(arm, out var one) ? one : arms[arm] = arm, reader.GetDouble(2));
        }
    }
}
