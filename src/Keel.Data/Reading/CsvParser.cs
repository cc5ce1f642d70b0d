using System.Text;
using Keel.Core;

namespace Keel.Data;

/// <summary>An RFC 4180 record reader: quoted fields, doubled quotes, line breaks inside quotes, LF/CRLF/CR line ends.</summary>
/// <remarks>Lines holding nothing at all are skipped, so a trailing newline or blank separator lines add no rows.</remarks>
internal sealed class CsvParser(string text, char delimiter, string fileName)
{
    private readonly StringBuilder _field = new();
    private int _pos;
    private int _line = 1;

    /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of the text.</summary>
    /// <param name="fields">Cleared, then filled with the record's fields.</param>
    /// <param name="startLine">The 1-based physical line the record starts on.</param>
    public bool TryReadRecord(List<string> fields, out int startLine)
    {
        fields.Clear();
        while (_pos < text.Length && IsLineEnd(text[_pos])) SkipLineEnd();
        startLine = _line;
        if (_pos >= text.Length) return false;
        while (true)
        {
            fields.Add(ReadField());
            if (_pos >= text.Length) return true;
            if (text[_pos] == delimiter) { _pos++; continue; }
            SkipLineEnd();
            return true;
        }
    }

    private string ReadField()
    {
        _field.Clear();
        if (_pos < text.Length && text[_pos] == '"') return ReadQuoted();
        var start = _pos;
        while (_pos < text.Length && text[_pos] != delimiter && !IsLineEnd(text[_pos])) _pos++;
        return text[start.._pos];
    }

    private string ReadQuoted()
    {
        var openLine = _line;
        _pos++;
        while (true)
        {
            if (_pos >= text.Length)
                throw new KeelInputException($"{fileName} line {openLine}: a quoted field opened on this line is never closed (expected a closing '\"').");
            var c = text[_pos];
            if (c == '"')
            {
                if (_pos + 1 < text.Length && text[_pos + 1] == '"')
                {
                    _field.Append('"');
                    _pos += 2;
                    continue;
                }
                _pos++;
                if (_pos < text.Length && text[_pos] != delimiter && !IsLineEnd(text[_pos]))
                    throw new KeelInputException(
                        $"{fileName} line {_line}: unexpected '{text[_pos]}' after a closing quote (expected the delimiter or the end of the line).");
                return _field.ToString();
            }
            if (c == '\n' || (c == '\r' && (_pos + 1 >= text.Length || text[_pos + 1] != '\n'))) _line++;
            _field.Append(c);
            _pos++;
        }
    }

    private static bool IsLineEnd(char c) => c is '\n' or '\r';

    private void SkipLineEnd()
    {
        if (text[_pos] == '\r' && _pos + 1 < text.Length && text[_pos + 1] == '\n') _pos++;
        _pos++;
        _line++;
    }
}
