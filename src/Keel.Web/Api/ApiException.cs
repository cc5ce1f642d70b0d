namespace Keel.Web.Api;

/// <summary>A refused request: the HTTP status, the field it concerns (or null) and what was expected; answered as JSON.</summary>
internal sealed class ApiException(int status, string? field, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string? Field { get; } = field;

    public static ApiException Bad(string field, string expected) => new(400, field, $"{field}: expected {expected}");
}
