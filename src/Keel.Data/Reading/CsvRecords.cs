using System.Text;
using Keel.Core;
using nietras.SeparatedValues;

namespace Keel.Data;

/// <summary>
/// The records of a delimited text file, parsed by Sep as the file streams past, checked against RFC 4180 quoting with
/// Keel's messages (file, line, column), and unquoted on access. Lines holding nothing at all are skipped.
/// </summary>
internal sealed class CsvRecords : IDisposable
{
    private readonly TextSource _source;
    private readonly StreamReader _text;
    private readonly SepReader _sep;
    private readonly string _fileName;
    private char[] _unquoted = new char[256];
    private int _nextLine = 1;

    /// <param name="path">The file.</param>
    /// <param name="delimiter">The field delimiter.</param>
    /// <param name="encoding">The text encoding.</param>
    /// <param name="check">Whether to hash the bytes and check UTF-8 (the first pass does; the second reads the same bytes again).</param>
    public CsvRecords(string path, char delimiter, Encoding encoding, bool check)
    {
        (_source, _text) = TextSource.Open(path, encoding, check);
        _fileName = Path.GetFileName(path);
        _sep = Sep.New(delimiter).Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = false }).From(_text);
    }

    /// <summary>The 1-based line the current record starts on.</summary>
    public int Line { get; private set; }

    /// <summary>Number of fields of the current record.</summary>
    public int Count { get; private set; }

    /// <summary>The SHA-256 of the bytes read so far (of the whole file once <see cref="MoveNext"/> has returned false).</summary>
    public string Sha256() => _source.Sha256();

    /// <summary>Moves to the next record that is not an empty line; false at the end of the file.</summary>
    public bool MoveNext()
    {
        while (true)
        {
            bool more;
            try
            {
                more = _sep.MoveNext();
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException)
            {
                throw new KeelInputException($"{_fileName} after line {Line}: cannot read the next record ({e.Message}).", e);
            }
            if (!more) return false;
            var row = _sep.Current;
            // A record starts where the previous one ended: Sep's LineNumberFrom is off by one on the first row.
            var line = _nextLine;
            _nextLine = row.LineNumberToExcl;
            if (row.ColCount == 1 && row.Span.IsEmpty) continue;
            Line = line;
            Count = row.ColCount;
            return true;
        }
    }

    /// <summary>Fails unless the current record has <paramref name="expected"/> fields (the header's count). A record that ends
    /// inside quotes swallowed the rest of the file: the message names the line where that quoted field opened.</summary>
    /// <exception cref="KeelInputException">Another number of fields.</exception>
    public void RequireCount(int expected)
    {
        if (Count == expected) return;
        var record = Raw;
        var quoted = false;
        var opened = -1;
        for (var i = 0; i < record.Length; i++)
        {
            if (record[i] != '"') continue;
            quoted = !quoted;
            if (quoted) opened = i;
        }
        if (quoted)
            throw new KeelInputException(
                $"{_fileName} line {LineAt(record, opened)}: a quoted field opened on this line is never closed (expected a closing '\"'), so the rest of the file ran into it.");
        throw new KeelInputException($"{_fileName} line {Line}: expected {expected} fields (as in the header), got {Count}.");
    }

    /// <summary>The current record's text as in the file (quotes kept, no line end); valid until the next call.</summary>
    public ReadOnlySpan<char> Raw => _sep.Current.Span;

    /// <summary>Field <paramref name="index"/> of the current record as in the file (quotes kept); valid until the next call.</summary>
    public ReadOnlySpan<char> RawField(int index) => _sep.Current[index].Span;

    /// <summary>Field <paramref name="index"/> of the current record, unquoted; valid until the next call.</summary>
    /// <param name="index">The 0-based field index.</param>
    /// <param name="column">The column name for messages, or null to name the field by its position.</param>
    public ReadOnlySpan<char> Field(int index, string? column = null)
    {
        var row = _sep.Current;
        var raw = row[index].Span;
        if (raw.IndexOf('"') < 0) return raw;
        return Unquote(row.Span, raw, index, column);
    }

    private ReadOnlySpan<char> Unquote(ReadOnlySpan<char> record, ReadOnlySpan<char> raw, int index, string? column)
    {
        record.Overlaps(raw, out var start);
        var name = column is null ? $"field {index + 1}" : $"column '{column}'";
        if (raw[0] != '"')
            throw new KeelInputException(
                $"{_fileName} line {LineAt(record, start + raw.IndexOf('"'))}, {name}: a '\"' inside an unquoted field; "
                + "quote the whole field and double the quotes inside it (\"5'10\"\"\").");
        if (_unquoted.Length < raw.Length) _unquoted = new char[raw.Length];
        var n = 0;
        for (var i = 1; i < raw.Length; i++)
        {
            if (raw[i] != '"')
            {
                _unquoted[n++] = raw[i];
                continue;
            }
            if (i + 1 < raw.Length && raw[i + 1] == '"')
            {
                _unquoted[n++] = '"';
                i++;
                continue;
            }
            if (i + 1 < raw.Length)
                throw new KeelInputException(
                    $"{_fileName} line {LineAt(record, start + i)}: unexpected '{raw[i + 1]}' after a closing quote in {name} "
                    + "(expected the delimiter or the end of the line).");
            return _unquoted.AsSpan(0, n);
        }
        throw new KeelInputException(
            $"{_fileName} line {LineAt(record, start)}: a quoted field opened on this line is never closed (expected a closing '\"').");
    }

    /// <summary>The file line of position <paramref name="at"/> in the current record (LF, CRLF and CR end lines).</summary>
    private int LineAt(ReadOnlySpan<char> record, int at)
    {
        var line = Line;
        for (var i = 0; i < at; i++)
        {
            if (record[i] == '\n' || (record[i] == '\r' && (i + 1 >= record.Length || record[i + 1] != '\n'))) line++;
        }
        return line;
    }

    public void Dispose()
    {
        _sep.Dispose();
        _text.Dispose();
        _source.Dispose();
    }
}
