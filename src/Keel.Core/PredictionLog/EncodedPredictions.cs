using System.Buffers.Binary;
using System.Text;

namespace Keel.Core.PredictionLog;

/// <summary>
/// Prediction records encoded back to back as bytes: the server's log queue holds them so, and a store can write their UTF-8 text
/// straight from these bytes (no string per field to decode on the writer and encode again for the database).
/// </summary>
/// <param name="Bytes">Whole records written by <see cref="Write"/>.</param>
/// <param name="Count">How many records <paramref name="Bytes"/> holds.</param>
public sealed record EncodedPredictions(ReadOnlyMemory<byte> Bytes, int Count)
{
    // Record: int32 size, then request id, time (ms), model, version, arm, endpoint, deployment (empty: none), latency (double bits),
    // rows, inputs, outputs; numbers as int64, text as int32 byte length and UTF-8.
    private const int Fixed = 4 + 4 * 8 + 7 * 4;

    /// <summary>The bytes <see cref="Write"/> needs for one record whose inputs and outputs JSON take the given UTF-8 byte counts.</summary>
    public static int Size(string requestId, string model, string arm, string endpoint, string? deployment, int inputsBytes, int outputsBytes) =>
        Fixed + Encoding.UTF8.GetByteCount(requestId) + Encoding.UTF8.GetByteCount(model) + Encoding.UTF8.GetByteCount(arm)
        + Encoding.UTF8.GetByteCount(endpoint) + Encoding.UTF8.GetByteCount(deployment ?? "") + inputsBytes + outputsBytes;

    /// <summary>Writes one record into <paramref name="to"/>, which must be exactly <see cref="Size"/> bytes long.</summary>
    public static void Write(Span<byte> to, string requestId, DateTimeOffset time, string model, int version, string arm, string endpoint,
        string? deployment, double latencyMs, int rows, ReadOnlySpan<byte> inputsJson, ReadOnlySpan<byte> outputsJson)
    {
        BinaryPrimitives.WriteInt32LittleEndian(to, to.Length);
        var at = to[4..];
        WriteText(ref at, requestId);
        WriteInt64(ref at, time.ToUnixTimeMilliseconds());
        WriteText(ref at, model);
        WriteInt64(ref at, version);
        WriteText(ref at, arm);
        WriteText(ref at, endpoint);
        WriteText(ref at, deployment ?? "");
        WriteInt64(ref at, BitConverter.DoubleToInt64Bits(latencyMs));
        WriteInt64(ref at, rows);
        WriteBytes(ref at, inputsJson);
        WriteBytes(ref at, outputsJson);
    }

    /// <summary>Encodes records (for a store given records by a caller other than the server).</summary>
    public static EncodedPredictions From(IReadOnlyList<PredictionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var sizes = new int[records.Count];
        var total = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            sizes[i] = Size(r.RequestId, r.Model, r.Arm, r.Endpoint, r.Deployment, Encoding.UTF8.GetByteCount(r.InputsJson), Encoding.UTF8.GetByteCount(r.OutputsJson));
            total += sizes[i];
        }
        var bytes = new byte[total];
        var at = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            Write(bytes.AsSpan(at, sizes[i]), r.RequestId, r.Time, r.Model, r.Version, r.Arm, r.Endpoint, r.Deployment, r.LatencyMs, r.Rows,
                Encoding.UTF8.GetBytes(r.InputsJson), Encoding.UTF8.GetBytes(r.OutputsJson));
            at += sizes[i];
        }
        return new EncodedPredictions(bytes, records.Count);
    }

    /// <summary>Reads the record at the start of <paramref name="span"/> and moves past it; false when <paramref name="span"/> is empty.</summary>
    public static bool TryRead(ref ReadOnlySpan<byte> span, out Utf8PredictionRecord record)
    {
        if (span.IsEmpty)
        {
            record = default;
            return false;
        }
        var size = BinaryPrimitives.ReadInt32LittleEndian(span);
        var r = span[4..size];
        record = new Utf8PredictionRecord
        {
            RequestId = ReadBytes(ref r),
            TimeMs = ReadInt64(ref r),
            Model = ReadBytes(ref r),
            Version = (int)ReadInt64(ref r),
            Arm = ReadBytes(ref r),
            Endpoint = ReadBytes(ref r),
            Deployment = ReadBytes(ref r),
            LatencyMs = BitConverter.Int64BitsToDouble(ReadInt64(ref r)),
            Rows = (int)ReadInt64(ref r),
            InputsJson = ReadBytes(ref r),
            OutputsJson = ReadBytes(ref r),
        };
        span = span[size..];
        return true;
    }

    /// <summary>The records as <see cref="PredictionRecord"/>s (a string per text field).</summary>
    public List<PredictionRecord> ToRecords()
    {
        var records = new List<PredictionRecord>(Count);
        var span = Bytes.Span;
        while (TryRead(ref span, out var r)) records.Add(r.ToRecord());
        return records;
    }

    private static void WriteInt64(ref Span<byte> at, long v)
    {
        BinaryPrimitives.WriteInt64LittleEndian(at, v);
        at = at[8..];
    }

    private static void WriteText(ref Span<byte> at, string s)
    {
        var n = Encoding.UTF8.GetBytes(s, at[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(at, n);
        at = at[(4 + n)..];
    }

    private static void WriteBytes(ref Span<byte> at, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(at, bytes.Length);
        bytes.CopyTo(at[4..]);
        at = at[(4 + bytes.Length)..];
    }

    private static long ReadInt64(ref ReadOnlySpan<byte> at)
    {
        var v = BinaryPrimitives.ReadInt64LittleEndian(at);
        at = at[8..];
        return v;
    }

    private static ReadOnlySpan<byte> ReadBytes(scoped ref ReadOnlySpan<byte> at)
    {
        var n = BinaryPrimitives.ReadInt32LittleEndian(at);
        var s = at.Slice(4, n);
        at = at[(4 + n)..];
        return s;
    }
}

/// <summary>One record of <see cref="EncodedPredictions"/>, its text fields as UTF-8 bytes (see <see cref="PredictionRecord"/> for each).</summary>
public readonly ref struct Utf8PredictionRecord
{
    /// <summary>Request id, UTF-8.</summary>
    public ReadOnlySpan<byte> RequestId { get; init; }
    /// <summary>Arrival time, Unix milliseconds.</summary>
    public long TimeMs { get; init; }
    /// <summary>Registered model name, UTF-8.</summary>
    public ReadOnlySpan<byte> Model { get; init; }
    /// <summary>Registered version that answered.</summary>
    public int Version { get; init; }
    /// <summary>Rollout arm, UTF-8.</summary>
    public ReadOnlySpan<byte> Arm { get; init; }
    /// <summary>Endpoint, UTF-8.</summary>
    public ReadOnlySpan<byte> Endpoint { get; init; }
    /// <summary>Deployment name, UTF-8; empty when served without one.</summary>
    public ReadOnlySpan<byte> Deployment { get; init; }
    /// <summary>Server-side latency in milliseconds.</summary>
    public double LatencyMs { get; init; }
    /// <summary>Number of rows predicted.</summary>
    public int Rows { get; init; }
    /// <summary>The input rows' JSON, UTF-8.</summary>
    public ReadOnlySpan<byte> InputsJson { get; init; }
    /// <summary>The answer's JSON, UTF-8.</summary>
    public ReadOnlySpan<byte> OutputsJson { get; init; }

    /// <summary>The record with its text decoded.</summary>
    public PredictionRecord ToRecord() => new()
    {
        RequestId = Encoding.UTF8.GetString(RequestId),
        Time = DateTimeOffset.FromUnixTimeMilliseconds(TimeMs),
        Model = Encoding.UTF8.GetString(Model),
        Version = Version,
        Arm = Encoding.UTF8.GetString(Arm),
        Endpoint = Encoding.UTF8.GetString(Endpoint),
        Deployment = Deployment.IsEmpty ? null : Encoding.UTF8.GetString(Deployment),
        LatencyMs = LatencyMs,
        Rows = Rows,
        InputsJson = Encoding.UTF8.GetString(InputsJson),
        OutputsJson = Encoding.UTF8.GetString(OutputsJson),
    };
}
