using Keel.Core.Data;
using Keel.Pipeline.Predict;
using Keel.Serving.Rollouts;

namespace Keel.Serving.Hosting;

/// <summary>
/// The shadow copies waiting for the worker: a bounded ring of preallocated slots (many writers, one reader, lock-free). A write copies
/// the request's values (numbers, the characters of its strings and of its request id) into a slot's own arrays, so once the slots have
/// grown to the requests' size a write allocates nothing and keeps no object of the request alive; the reader builds the copy again on
/// its own thread. Copies a slot cannot hold (more than <c>slotRows</c> rows, or a challenger that binds the body itself) keep a
/// reference to the request's rows and body instead.
/// </summary>
/// <remarks>
/// Why copy: a queued copy that referred to the request's bound rows kept them alive until the worker scored it, so under load every
/// queued request outlived a few gen-0 collections, was promoted and made collections (which stop the answers too) longer.
/// The ring is Vyukov's bounded queue: each slot's sequence number says whether it is free for the writer at a position or filled for
/// the reader; a writer claims a position with one compare-and-swap and never waits for the reader, a full ring refuses the write.
/// </remarks>
internal sealed class ShadowRing
{
    /// <summary>Characters a slot keeps for a copy's request id and strings before the copy is kept by reference instead.</summary>
    private const int MaxSlotChars = 4096;

    private readonly Slot[] _slots;
    private readonly int _mask;
    private readonly int _slotRows;
    private long _tail;
    private long _head;

    /// <param name="capacity">Most copies waiting, rounded up to a power of two.</param>
    /// <param name="slotRows">Most rows a slot copies; a larger request is kept by reference.</param>
    public ShadowRing(int capacity, int slotRows)
    {
        var size = (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, capacity)));
        _slots = new Slot[size];
        for (var i = 0; i < size; i++) _slots[i] = new Slot { Sequence = i };
        _mask = size - 1;
        _slotRows = Math.Max(1, slotRows);
    }

    /// <summary>Most copies waiting.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Copies waiting (approximate while writers run).</summary>
    public int Count => (int)Math.Clamp(Volatile.Read(ref _tail) - Volatile.Read(ref _head), 0, _slots.Length);

    /// <summary>Copies <paramref name="copy"/> into a free slot; false when every slot is taken (the copy is not queued).</summary>
    /// <param name="copy">The copy; <see cref="ShadowCopy.Body"/> is needed only when <paramref name="byReference"/> is true.</param>
    /// <param name="byReference">Keep the rows and body by reference (a challenger that binds the body itself).</param>
    public bool TryWrite(in ShadowCopy copy, bool byReference)
    {
        Slot slot;
        var pos = Volatile.Read(ref _tail);
        while (true)
        {
            slot = _slots[pos & _mask];
            var diff = Volatile.Read(ref slot.Sequence) - pos;
            if (diff == 0)
            {
                if (Interlocked.CompareExchange(ref _tail, pos + 1, pos) == pos) break;
            }
            else if (diff < 0) return false; // the reader has not freed this slot yet: full
            pos = Volatile.Read(ref _tail);
        }
        slot.Fill(copy, byReference || copy.Rows.RowCount > _slotRows);
        Volatile.Write(ref slot.Sequence, pos + 1);
        return true;
    }

    /// <summary>Takes the oldest copy, built again from its slot (on the caller's thread), and frees the slot. One reader at a time.</summary>
    public bool TryRead(out ShadowCopy copy)
    {
        var pos = _head;
        var slot = _slots[pos & _mask];
        if (Volatile.Read(ref slot.Sequence) != pos + 1)
        {
            copy = default;
            return false;
        }
        copy = slot.Take();
        Volatile.Write(ref slot.Sequence, pos + _slots.Length);
        Volatile.Write(ref _head, pos + 1);
        return true;
    }

    private sealed class Slot
    {
        public long Sequence;

        // Long-lived references only (literals, loaded models, schema-owned names, class labels), except in a copy kept by reference.
        private string _endpoint = "";
        private LoadedModel? _champion;
        private LoadedModel? _challenger;
        private string? _label;
        private TimeSpan _latency;
        private double _score;
        private Arm _arm;
        private bool _failed;
        private Table? _rows;
        private (byte[] Body, bool Csv) _body;
        private string? _idReference;

        // The copied values: column c, row r at [c * _rowCount + r]; strings as spans of _chars (length -1: null).
        private int _rowCount;
        private int _columnCount;
        private string[] _names = [];
        private ColumnType[] _types = [];
        private bool[] _isString = [];
        private double[] _numbers = [];
        private int[] _lengths = [];
        private char[] _chars = [];
        private int _idLength;

        public void Fill(in ShadowCopy copy, bool byReference)
        {
            _endpoint = copy.Endpoint;
            _champion = copy.Champion;
            _challenger = copy.Challenger;
            var outcome = copy.ChampionOutcome;
            _label = outcome.Label;
            _latency = outcome.Latency;
            _score = outcome.Score;
            _arm = outcome.Arm;
            _failed = outcome.Failed;
            if (byReference || !TryCopy(copy.Rows, outcome.RequestId))
            {
                _rows = copy.Rows;
                _body = copy.Body;
                _idLength = -1;
                _idReference = outcome.RequestId;
            }
        }

        private bool TryCopy(Table rows, string requestId)
        {
            var columns = rows.Columns;
            var n = rows.RowCount;
            var chars = requestId.Length;
            for (var c = 0; c < columns.Count; c++)
            {
                if (columns[c] is not StringColumn s) continue;
                foreach (var v in s.Values) chars += v?.Length ?? 0;
            }
            if (chars > MaxSlotChars) return false;
            if (_names.Length < columns.Count)
            {
                _names = new string[columns.Count];
                _types = new ColumnType[columns.Count];
                _isString = new bool[columns.Count];
            }
            if (_numbers.Length < columns.Count * n) _numbers = new double[columns.Count * n];
            if (_lengths.Length < columns.Count * n) _lengths = new int[columns.Count * n];
            if (_chars.Length < chars) _chars = new char[Math.Max(chars, _chars.Length * 2)];
            _rowCount = n;
            _columnCount = columns.Count;
            requestId.CopyTo(_chars);
            _idLength = requestId.Length;
            var at = _idLength;
            for (var c = 0; c < columns.Count; c++)
            {
                var column = columns[c];
                _names[c] = column.Name;
                _types[c] = column.Type;
                switch (column)
                {
                    case NumericColumn numeric:
                        _isString[c] = false;
                        numeric.Values.CopyTo(_numbers.AsSpan(c * n, n));
                        break;
                    case StringColumn strings:
                        _isString[c] = true;
                        var values = strings.Values;
                        for (var r = 0; r < n; r++)
                        {
                            var v = values[r];
                            _lengths[c * n + r] = v?.Length ?? -1;
                            if (v is null) continue;
                            v.CopyTo(_chars.AsSpan(at));
                            at += v.Length;
                        }
                        break;
                    default:
                        return false;
                }
            }
            return true;
        }

        public ShadowCopy Take()
        {
            string requestId;
            Table rows;
            if (_idLength < 0)
            {
                requestId = _idReference!;
                rows = _rows!;
            }
            else
            {
                requestId = new string(_chars, 0, _idLength);
                rows = Build();
            }
            var copy = new ShadowCopy(_endpoint, _champion!, _challenger!, rows, _body,
                new ArmOutcome(requestId, _arm, _latency, _failed, _score, _label));
            _champion = _challenger = null;
            _rows = null;
            _body = default;
            _idReference = null;
            _label = null;
            return copy;
        }

        private Table Build()
        {
            var n = _rowCount;
            var columns = new Column[_columnCount];
            var at = _idLength;
            for (var c = 0; c < columns.Length; c++)
            {
                if (!_isString[c])
                {
                    columns[c] = new NumericColumn(_names[c], _numbers.AsSpan(c * n, n).ToArray(), _types[c]);
                    continue;
                }
                var values = new string?[n];
                for (var r = 0; r < n; r++)
                {
                    var length = _lengths[c * n + r];
                    if (length < 0) continue;
                    values[r] = new string(_chars, at, length);
                    at += length;
                }
                columns[c] = new StringColumn(_names[c], values, _types[c]);
            }
            return new Table(columns);
        }
    }
}
