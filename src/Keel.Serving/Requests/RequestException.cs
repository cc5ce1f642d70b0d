namespace Keel.Serving.Requests;

/// <summary>A request the server refuses: answered with <see cref="Status"/> and a JSON error naming the problem.</summary>
internal sealed class RequestException(int status, string code, string message) : Exception(message)
{
    /// <summary>HTTP status (4xx).</summary>
    public int Status { get; } = status;

    /// <summary>MLflow-style error code, e.g. BAD_REQUEST.</summary>
    public string Code { get; } = code;

    public static RequestException Bad(string message) => new(400, "BAD_REQUEST", message);
}
