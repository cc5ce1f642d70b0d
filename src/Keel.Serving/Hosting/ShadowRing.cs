using Keel.Core.Data;
using Keel.Pipeline.Predict;
using Keel.Serving.Rollouts;

namespace Keel.Serving.Hosting;

/// <summary>
/// The shadow copies waiting for the worker: a bounded ring of preallocated slots (many writers, one reader, lock-free). A write copies
/// the request's values (numbers, the characters of its strings and of its request id) into a slot's own arrays, so once the slots have
/// grown to the requests' size a write allocates nothing and keeps no object of the request alive; the reader takes a batch at a time
/// and builds one table of all its rows on its own thread (<see cref="ReadBatch"/>). Copies a slot cannot hold (more than
/// <c>slotRows</c> rows, or a challenger that binds the body itself) keep a reference to the request's rows and body instead.
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

    /// <summary>
    /// Takes the oldest copies that one challenger call scores together, up to <paramref name="maxRows"/> rows (always at least one copy),
    /// and frees their slots; one reader at a time. The copies share a champion and a challenger and are either all copied into slots
    /// (then they share one table of all their rows, built here on the caller's thread, each copy a row range of it, so a batch costs
    /// one table, not one per copy) or all kept by reference (each with its own rows).
    /// </summary>
    /// <param name="maxRows">Most rows in the batch (a first copy with more is a batch of its own).</param>
    /// <param name="batch">Cleared, then filled with the batch's copies, oldest first.</param>
    public void ReadBatch(int maxRows, List<ShadowCopy> batch)
    {
        batch.Clear();
        Slot? first = null;
        var count = 0;
        var rows = 0;
        while (count < _slots.Length)
        {
            var pos = _head + count;
            var slot = _slots[pos & _mask];
            if (Volatile.Read(ref slot.Sequence) != pos + 1) break;
            if (first is null) first = slot;
            else if (rows + slot.RowCount > maxRows || !slot.Batches(first)) break;
            rows += slot.RowCount;
            count++;
            if (rows >= maxRows) break;
        }
        if (first is null) return;
        if (first.Inline)
        {
            var table = Stack(first, count, rows);
            var at = 0;
            for (var i = 0; i < count; i++)
            {
                var slot = _slots[(_head + i) & _mask];
                batch.Add(slot.TakeRange(table, at));
                at += slot.RowCount;
            }
        }
        else
        {
            for (var i = 0; i < count; i++) batch.Add(_slots[(_head + i) & _mask].Take());
        }
        for (var i = 0; i < count; i++)
        {
            var pos = _head + i;
            Volatile.Write(ref _slots[pos & _mask].Sequence, pos + _slots.Length);
        }
        Volatile.Write(ref _head, _head + count);
    }

    /// <summary>One table of the rows of the <paramref name="count"/> copied slots from the head (all shaped as <paramref name="first"/>).</summary>
    private Table Stack(Slot first, int count, int rows)
    {
        var columns = new Column[first.ColumnCount];
        for (var c = 0; c < columns.Length; c++)
        {
            if (first.IsString(c))
            {
                var values = new string?[rows];
                var at = 0;
                for (var i = 0; i < count; i++) at += _slots[(_head + i) & _mask].CopyStrings(c, values.AsSpan(at));
                columns[c] = new StringColumn(first.Name(c), values, first.Type(c));
            }
            else
            {
                var values = new double[rows];
                var at = 0;
                for (var i = 0; i < count; i++) at += _slots[(_head + i) & _mask].CopyNumbers(c, values.AsSpan(at));
                columns[c] = new NumericColumn(first.Name(c), values, first.Type(c));
            }
        }
        return new Table(columns);
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
        private int[] _charStart = [];
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
                _charStart = new int[columns.Count];
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
                        _charStart[c] = at;
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

        /// <summary>Whether the slot holds copied values (else the request's rows by reference).</summary>
        public bool Inline => _idLength >= 0;

        /// <summary>The copy's rows.</summary>
        public int RowCount => Inline ? _rowCount : _rows!.RowCount;

        public int ColumnCount => _columnCount;

        public bool IsString(int c) => _isString[c];

        public string Name(int c) => _names[c];

        public ColumnType Type(int c) => _types[c];

        /// <summary>Whether this copy can join a batch that starts with <paramref name="first"/>: same models, same kind, same columns.</summary>
        public bool Batches(Slot first)
        {
            if (!ReferenceEquals(_champion, first._champion) || !ReferenceEquals(_challenger, first._challenger) || Inline != first.Inline) return false;
            if (!Inline) return true;
            if (_columnCount != first._columnCount) return false;
            for (var c = 0; c < _columnCount; c++)
            {
                if (!ReferenceEquals(_names[c], first._names[c]) || _types[c] != first._types[c] || _isString[c] != first._isString[c]) return false;
            }
            return true;
        }

        /// <summary>Copies numeric column <paramref name="c"/> into <paramref name="into"/>; the rows copied.</summary>
        public int CopyNumbers(int c, Span<double> into)
        {
            _numbers.AsSpan(c * _rowCount, _rowCount).CopyTo(into);
            return _rowCount;
        }

        /// <summary>Builds the strings of column <paramref name="c"/> into <paramref name="into"/>; the rows copied.</summary>
        public int CopyStrings(int c, Span<string?> into)
        {
            var at = _charStart[c];
            for (var r = 0; r < _rowCount; r++)
            {
                var length = _lengths[c * _rowCount + r];
                into[r] = length < 0 ? null : new string(_chars, at, length);
                at += Math.Max(0, length);
            }
            return _rowCount;
        }

        /// <summary>The copy as rows <paramref name="first"/>.. of <paramref name="table"/> (the batch's stacked rows); clears the slot.</summary>
        public ShadowCopy TakeRange(Table table, int first)
        {
            var copy = new ShadowCopy(_endpoint, _champion!, _challenger!, table, default,
                new ArmOutcome(new string(_chars, 0, _idLength), _arm, _latency, _failed, _score, _label), first, _rowCount);
            Clear();
            return copy;
        }

        private void Clear()
        {
            _champion = _challenger = null;
            _rows = null;
            _body = default;
            _idReference = null;
            _label = null;
        }

        /// <summary>The copy kept by reference; clears the slot.</summary>
        public ShadowCopy Take()
        {
            var copy = new ShadowCopy(_endpoint, _champion!, _challenger!, _rows!, _body,
                new ArmOutcome(_idReference!, _arm, _latency, _failed, _score, _label));
            Clear();
            return copy;
        }
    }
}
