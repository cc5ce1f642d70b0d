using System.Buffers;
using System.Text;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.PredictionLog;
using Keel.Serving.Requests;

namespace Keel.Serving.Logging;

/// <summary>
/// An answered request to log: the request encodes it into the buffer at once and keeps no reference to it. Its inputs are rows
/// <c>FirstRow</c>.. of <c>Input</c> (<c>RowCount</c> of them, -1: all; a shadow batch's copies share one table); <c>Output</c> answers them.
/// </summary>
internal readonly record struct PendingPrediction(string RequestId, DateTimeOffset Time, string Model, int Version, string Arm, string Endpoint,
    double LatencyMs, Table Input, Predictions Output, AnswerNotes? Notes = null, int FirstRow = 0, int RowCount = -1)
{
    /// <summary>The deployment that served the request; null when served without one.</summary>
    public string? Deployment { get; init; }
}

/// <summary>
/// The prediction log's queue, as encoded bytes in a few reused segments rather than one object graph per request. Holding each
/// request's input table and answer until the writer got to it kept thousands of small objects alive across collections at
/// 20,000 requests/s, promoting them to generation 2 (log on: about 3 gen-2 collections a second, none with it off). Here the
/// request writes its record (a small binary header and the input and answer as UTF-8 JSON) into the current segment and drops
/// everything else; the writer takes whole segments. Bounded by records and segments: when full, a record is refused, never waited for.
/// </summary>
internal sealed class PredictionLogBuffer : IDisposable
{
    /// <summary>A segment's size; one record larger than this gets a segment of its own that is not kept for reuse.</summary>
    public const int SegmentBytes = 256 * 1024;

    [ThreadStatic] private static Encoder? t_encoder;

    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly int _recordsPerSegment;
    private readonly int _maxSegments;
    private readonly Stack<Segment> _free = new();
    private readonly Queue<Segment> _full = new();
    private readonly SemaphoreSlim _fullSignal = new(0);
    private Segment? _current;
    private int _segments;
    private int _queued;
    private bool _completed;

    /// <param name="capacity">Most records queued at once.</param>
    /// <param name="recordsPerSegment">Most records in one segment (one write transaction).</param>
    public PredictionLogBuffer(int capacity, int recordsPerSegment)
    {
        _capacity = Math.Max(1, capacity);
        _recordsPerSegment = Math.Clamp(recordsPerSegment, 1, _capacity);
        _maxSegments = (_capacity + _recordsPerSegment - 1) / _recordsPerSegment + 1;
    }

    /// <summary>Records queued and not yet taken by the writer.</summary>
    public int Count => Volatile.Read(ref _queued);

    /// <summary>Encodes <paramref name="p"/> into the queue; false when the queue is full or completed (the caller counts a drop).</summary>
    public bool TryAppend(in PendingPrediction p)
    {
        var encoder = t_encoder ??= new Encoder();
        var inputs = encoder.Rows(p.Input, p.FirstRow, p.RowCount < 0 ? p.Input.RowCount - p.FirstRow : p.RowCount);
        var outputs = encoder.Answer(p.Output, p.Notes);
        var size = EncodedPredictions.Size(p.RequestId, p.Model, p.Arm, p.Endpoint, p.Deployment, inputs.Length, outputs.Length);
        var signal = false;
        lock (_gate)
        {
            if (_completed || _queued >= _capacity) return false;
            if (_current is null || _current.Count >= _recordsPerSegment || _current.Length + size > _current.Buffer.Length)
            {
                if (_current is { Count: > 0 })
                {
                    _full.Enqueue(_current);
                    signal = true;
                }
                _current = size > SegmentBytes ? NewSegment(size) : _free.TryPop(out var reused) ? reused : NewSegment(SegmentBytes);
                if (_current is null)
                {
                    if (signal) _fullSignal.Release();
                    return false;
                }
            }
            EncodedPredictions.Write(_current.Buffer.AsSpan(_current.Length, size), p.RequestId, p.Time, p.Model, p.Version, p.Arm, p.Endpoint,
                p.Deployment, p.LatencyMs, p.Output.Count, inputs, outputs);
            _current.Length += size;
            _current.Count++;
            _queued++;
            if (_current.Count >= _recordsPerSegment)
            {
                _full.Enqueue(_current);
                _current = null;
                signal = true;
            }
        }
        // A wake-up, not a count: the writer takes every full segment each time it wakes.
        if (signal && _fullSignal.CurrentCount == 0) _fullSignal.Release();
        return true;
    }

    /// <summary>Waits until a segment is full or <paramref name="timeout"/> passed (or <paramref name="ct"/> is cancelled).</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _fullSignal.WaitAsync(timeout, ct);

    /// <summary>The oldest full segment, else (when <paramref name="partial"/>) the one being filled if it holds any record; null when none.</summary>
    public Segment? Take(bool partial)
    {
        lock (_gate)
        {
            Segment? s = null;
            if (_full.Count > 0) s = _full.Dequeue();
            else if (partial && _current is { Count: > 0 })
            {
                s = _current;
                _current = null;
            }
            if (s is not null) _queued -= s.Count;
            return s;
        }
    }

    /// <summary>Gives a written segment back for reuse.</summary>
    public void Return(Segment s)
    {
        lock (_gate)
        {
            s.Length = 0;
            s.Count = 0;
            if (s.Buffer.Length == SegmentBytes && _free.Count + 1 < _maxSegments) _free.Push(s);
            else _segments--;
        }
    }

    /// <summary>Refuses further records; what is queued can still be taken.</summary>
    public void Complete()
    {
        lock (_gate) _completed = true;
        _fullSignal.Release();
    }

    /// <summary>Whether <see cref="Complete"/> was called.</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_gate) return _completed;
        }
    }

    public void Dispose() => _fullSignal.Dispose();

    private Segment? NewSegment(int bytes)
    {
        if (_segments >= _maxSegments) return null;
        _segments++;
        return new Segment(new byte[Math.Max(bytes, SegmentBytes)]);
    }

    /// <summary>Reused bytes holding whole records, written in one transaction.</summary>
    internal sealed class Segment(byte[] buffer)
    {
        public byte[] Buffer { get; } = buffer;
        public int Length { get; set; }
        public int Count { get; set; }

        /// <summary>The records written so far, for the store.</summary>
        public EncodedPredictions Records => new(Buffer.AsMemory(0, Length), Count);
    }

    /// <summary>A thread's reused JSON writer and buffers, so encoding a record allocates nothing that outlives it.</summary>
    private sealed class Encoder
    {
        // A buffer grown past this by a large request is let go rather than kept by the thread.
        private const int KeepBytes = 64 * 1024;
        private ArrayBufferWriter<byte> _rows = new(1024);
        private ArrayBufferWriter<byte> _answer = new(512);
        private Utf8JsonWriter? _writer;

        public ReadOnlySpan<byte> Rows(Table input, int first, int count)
        {
            PredictionJson.WriteRows(Start(ref _rows), input, first, count);
            _writer!.Flush();
            return _rows.WrittenSpan;
        }

        public ReadOnlySpan<byte> Answer(Predictions output, AnswerNotes? notes)
        {
            PredictionJson.WritePredictions(Start(ref _answer), output, notes);
            _writer!.Flush();
            return _answer.WrittenSpan;
        }

        private Utf8JsonWriter Start(ref ArrayBufferWriter<byte> buffer)
        {
            if (buffer.Capacity > KeepBytes) buffer = new ArrayBufferWriter<byte>(1024);
            else buffer.ResetWrittenCount();
            if (_writer is null) _writer = new Utf8JsonWriter(buffer, PredictionJson.WriterOptions);
            else _writer.Reset(buffer);
            return _writer;
        }
    }
}
