using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using Keel.Core;

namespace Keel.Data;

/// <summary>
/// A read-only pass over a file's bytes that hashes them (SHA-256) and, for UTF-8, checks them as they go by, so a bad
/// byte fails with its file, line and byte offset instead of becoming U+FFFD and merging distinct categories.
/// </summary>
internal sealed class TextSource : Stream
{
    private const int BufferSize = 1 << 16;

    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly string _fileName;
    private readonly bool _checkUtf8;
    // The last bytes of the previous read that may begin a sequence completed by the next read (at most 3).
    private readonly byte[] _carry = new byte[4];
    private int _carryLength;
    private byte[] _scratch = [];
    private long _offset;
    private long _newlines;

    private TextSource(string path, bool checkUtf8)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        _fileName = Path.GetFileName(path);
        _checkUtf8 = checkUtf8;
    }

    /// <summary>Opens <paramref name="path"/> for one pass, decoded with <paramref name="encoding"/> (a leading BOM of it is skipped).</summary>
    /// <param name="path">The file.</param>
    /// <param name="encoding">The text encoding.</param>
    /// <param name="check">Whether to check that UTF-8 is valid; hashing is cheap next to parsing and always done.</param>
    public static (TextSource Source, StreamReader Reader) Open(string path, Encoding encoding, bool check = true)
    {
        var source = new TextSource(path, check && encoding is UTF8Encoding);
        var reader = new StreamReader(source, encoding, detectEncodingFromByteOrderMarks: false, BufferSize);
        return (source, reader);
    }

    /// <summary>The SHA-256 of every byte read so far, as lower-case hex (the whole file once the pass has ended).</summary>
    public string Sha256() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _file.Read(buffer);
        var chunk = buffer[..n];
        _hash.AppendData(chunk);
        if (_checkUtf8) Check(chunk, atEnd: n == 0 && !buffer.IsEmpty);
        _offset += n;
        return n;
    }

    private void Check(ReadOnlySpan<byte> chunk, bool atEnd)
    {
        if (atEnd)
        {
            if (_carryLength > 0) Fail(_carry.AsSpan(0, _carryLength), _offset - _carryLength, "the file ends inside a character");
            return;
        }
        var data = chunk;
        var start = _offset;
        if (_carryLength > 0)
        {
            if (_scratch.Length < _carryLength + chunk.Length) _scratch = new byte[_carryLength + chunk.Length];
            _carry.AsSpan(0, _carryLength).CopyTo(_scratch);
            chunk.CopyTo(_scratch.AsSpan(_carryLength));
            data = _scratch.AsSpan(0, _carryLength + chunk.Length);
            start -= _carryLength;
        }
        var tail = IncompleteTail(data);
        var body = data[..^tail];
        if (!Utf8.IsValid(body)) FailAt(body, start);
        _newlines += body.Count((byte)'\n');
        data[^tail..].CopyTo(_carry);
        _carryLength = tail;
    }

    /// <summary>How many bytes at the end start a multi-byte sequence that the chunk does not finish (0 to 3).</summary>
    private static int IncompleteTail(ReadOnlySpan<byte> chunk)
    {
        for (var back = 1; back <= Math.Min(3, chunk.Length); back++)
        {
            var b = chunk[^back];
            if ((b & 0xC0) == 0x80) continue; // a continuation byte: look further back
            var length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back ? back : 0;
        }
        return 0;
    }

    private void FailAt(ReadOnlySpan<byte> body, long start)
    {
        var at = 0;
        while (at < body.Length)
        {
            var status = Rune.DecodeFromUtf8(body[at..], out _, out var used);
            if (status != System.Buffers.OperationStatus.Done) break;
            at += used;
        }
        _newlines += body[..at].Count((byte)'\n');
        Fail(body.Slice(at, Math.Min(4, body.Length - at)), start + at, "invalid UTF-8");
    }

    private void Fail(ReadOnlySpan<byte> bytes, long offset, string what)
    {
        var hex = string.Join(" ", bytes.ToArray().Select(b => "0x" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        throw new KeelInputException(
            $"{_fileName} line {_newlines + 1}, byte offset {offset}: {what} (bytes {hex}); "
            + "expected UTF-8 text, or name the file's encoding (data.encoding in a spec, --encoding on the command line; for example latin1 or windows-1252).");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _file.Length;
    public override long Position { get => _offset; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
