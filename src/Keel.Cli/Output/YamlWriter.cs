using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Keel.Cli.Output;

/// <summary>Writes one YAML document through YamlDotNet's emitter, so any string (quotes, colons, newlines, control
/// characters) is escaped correctly; comments help a person edit the result.</summary>
internal sealed class YamlWriter
{
    private readonly StringWriter _text = new();
    private readonly Emitter _emitter;

    public YamlWriter()
    {
        _emitter = new Emitter(_text, new EmitterSettings(2, int.MaxValue, false, 1024));
        _emitter.Emit(new StreamStart());
    }

    /// <summary>Starts the document and its root mapping.</summary>
    public void Begin()
    {
        _emitter.Emit(new DocumentStart());
        _emitter.Emit(new MappingStart());
    }

    /// <summary>Ends the root mapping and the document, and returns the text.</summary>
    public string End()
    {
        _emitter.Emit(new MappingEnd());
        _emitter.Emit(new DocumentEnd(isImplicit: true));
        _emitter.Emit(new StreamEnd());
        return _text.ToString();
    }

    /// <summary>A mapping key (always quoted when it needs to be).</summary>
    public YamlWriter Key(string key) => Scalar(key, ScalarStyle.Any);

    /// <summary>A string value from the data or a file name: double-quoted, so it never reads back as a number, bool or null.</summary>
    public YamlWriter Text(string value) => Scalar(value, ScalarStyle.DoubleQuoted);

    /// <summary>A fixed word or number written by Keel itself (plain style).</summary>
    public YamlWriter Word(string value) => Scalar(value, ScalarStyle.Plain);

    /// <summary>A list of strings, in flow style ([a, b]) unless <paramref name="flow"/> is false.</summary>
    public YamlWriter List(IEnumerable<string> values, bool flow = true)
    {
        _emitter.Emit(new SequenceStart(null, null, true, flow ? SequenceStyle.Flow : SequenceStyle.Block));
        foreach (var v in values) Text(v);
        _emitter.Emit(new SequenceEnd());
        return this;
    }

    /// <summary>Starts a nested mapping.</summary>
    public YamlWriter BeginMap()
    {
        _emitter.Emit(new MappingStart());
        return this;
    }

    /// <summary>Ends a nested mapping.</summary>
    public YamlWriter EndMap()
    {
        _emitter.Emit(new MappingEnd());
        return this;
    }

    /// <summary>Starts a block list.</summary>
    public YamlWriter BeginList()
    {
        _emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
        return this;
    }

    /// <summary>Ends a block list.</summary>
    public YamlWriter EndList()
    {
        _emitter.Emit(new SequenceEnd());
        return this;
    }

    /// <summary>A comment line, or a comment after the value just written; control characters are shown escaped.</summary>
    public YamlWriter Comment(string text, bool inline = false)
    {
        var safe = string.Concat(text.Select(ch => char.IsControl(ch) ? $"\\u{(int)ch:x4}" : ch.ToString()));
        _emitter.Emit(new Comment(safe, inline));
        return this;
    }

    private YamlWriter Scalar(string value, ScalarStyle style)
    {
        _emitter.Emit(new Scalar(null, null, value, style, true, true));
        return this;
    }
}
