using System.Text.Json;
using Keel.Pipeline;

namespace Keel.Cli.Output;

/// <summary>Writes --json answers in the one shape of <see cref="KeelJson.Options"/>.</summary>
internal static class Json
{
    public static JsonSerializerOptions Options => KeelJson.Options;

    public static void Write<T>(TextWriter writer, T value)
    {
        writer.WriteLine(JsonSerializer.Serialize(value, Options));
        writer.Flush();
    }
}
