namespace Keel.Core;

/// <summary>An error caused by the user's input (a file, spec field, row or value); the CLI prints its message and exits non-zero.</summary>
/// <remarks>Messages name the input (file, row, column or field) and say what was expected.</remarks>
public class KeelInputException : Exception
{
    public KeelInputException(string message) : base(message) { }
    public KeelInputException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A requested entity (run, experiment, model, version, artifact) does not exist.</summary>
public sealed class KeelNotFoundException : KeelInputException
{
    public KeelNotFoundException(string message) : base(message) { }
}
