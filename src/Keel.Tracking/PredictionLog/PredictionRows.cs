using System.Data.Common;
using Keel.Core.PredictionLog;

namespace Keel.Tracking.PredictionLog;

/// <summary>The predictions table's columns, the same on SQLite and PostgreSQL, and one row of it read back.</summary>
internal static class PredictionRows
{
    public const string Columns = "request_id, time_ms, model, version, arm, endpoint, latency_ms, rows, inputs, outputs";

    /// <summary>The record in the reader's current row, selected as <see cref="Columns"/>.</summary>
    public static PredictionRecord Read(DbDataReader r) => new()
    {
        RequestId = r.GetString(0),
        Time = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
        Model = r.GetString(2),
        Version = r.GetInt32(3),
        Arm = r.GetString(4),
        Endpoint = r.GetString(5),
        LatencyMs = r.GetDouble(6),
        Rows = r.GetInt32(7),
        InputsJson = r.GetString(8),
        OutputsJson = r.GetString(9),
    };
}
