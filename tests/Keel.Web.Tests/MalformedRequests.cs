using System.Text;

namespace Keel.Web.Tests;

/// <summary>An endless, seeded stream of malformed API requests (method, URL, body): each one must be refused with a 4xx.</summary>
public static class MalformedRequests
{
    private static readonly string[] FilterWords = ["(", ")", "and", "or", "metrics.auc", "params.p", "tags.t", "name", "status", ">", "=", "!=", "'x'", "0.5", "'", "\"", "!", "<="];

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    public static IEnumerable<(string Method, string Url, byte[]? Body)> For(string runId, Random random)
    {
        var run = $"api/v1/runs/{runId}";
        var fixedOnes = new (string, string, byte[]?)[]
        {
            ("POST", "api/v1/runs", Json("")),
            ("POST", "api/v1/runs", Json("null")),
            ("POST", "api/v1/runs", Json("[]")),
            ("POST", "api/v1/runs", Json("{")),
            ("POST", "api/v1/runs", Json("{\"experiment\":1}")),
            ("POST", "api/v1/runs", Json("{\"experiment\":\"\"}")),
            ("POST", "api/v1/runs", Json("{\"experiment\":\"x\",\"tags\":{\"a\":1}}")),
            ("POST", "api/v1/runs", Json("{\"experiment\":\"x\",\"tags\":[]}")),
            ("POST", "api/v1/runs", Json("{\"experiment\":\"x\",\"start_time\":\"yesterday\"}")),
            ("POST", "api/v1/runs", Json("{\"experiment\":\"x\\u0000y\"}")),
            ("POST", "api/v1/runs", Json("{\"experiment\":\"" + new string('x', 300) + "\"}")),
            ("POST", "api/v1/runs", Json(new string('[', 100) + new string(']', 100))),
            ("POST", "api/v1/runs", Json("{\"experiment\":\"" + new string('x', 70_000) + "\"}")),
            ("POST", "api/v1/experiments", Json("{\"name\":null}")),
            ("POST", $"{run}/batch", Json("{\"metrics\":[{\"key\":\"a\",\"value\":\"x\"}]}")),
            ("POST", $"{run}/batch", Json("{\"metrics\":[{\"key\":\"a\",\"value\":NaN}]}")),
            ("POST", $"{run}/batch", Json("{\"metrics\":[{\"key\":\"a\",\"value\":1,\"step\":-1}]}")),
            ("POST", $"{run}/batch", Json("{\"metrics\":[{\"key\":\"\",\"value\":1}]}")),
            ("POST", $"{run}/batch", Json("{\"metrics\":[{\"key\":\"a\",\"value\":1e999}]}")),
            ("POST", $"{run}/batch", Json("{\"metrics\":[{\"key\":\"a\",\"value\":1,\"step\":1.5}]}")),
            ("POST", $"{run}/batch", Json("{\"metrics\":[{\"key\":\"a\",\"value\":1,\"timestamp\":\"soon\"}]}")),
            ("POST", $"{run}/batch", Json("{\"metrics\":{}}")),
            ("POST", $"{run}/batch", Json("{\"metrics\":[1]}")),
            ("POST", $"{run}/batch", Json("{\"params\":{\"a\":5}}")),
            ("POST", $"{run}/batch", Json("{\"params\":{\"\":\"x\"}}")),
            ("POST", $"{run}/batch", Json("{\"tags\":\"x\"}")),
            ("POST", $"{run}/status", Json("{\"status\":\"running\"}")),
            ("POST", $"{run}/status", Json("{\"status\":\"bogus\"}")),
            ("POST", $"{run}/status", Json("{\"status\":\"1\"}")),
            ("POST", $"{run}/status", Json("{\"status\":5}")),
            ("POST", $"{run}/status", Json("{}")),
            ("POST", "api/v1/runs/zzzzzzzzzzzz/batch", Json("{}")),
            ("POST", "api/v1/runs/ab/batch", Json("{}")),
            ("GET", "api/v1/runs/a$b%25c", null),
            ("GET", "api/v1/runs/ffffffffffff", null),
            ("GET", $"{run}/metrics", null),
            ("GET", "api/v1/runs?max_results=abc", null),
            ("GET", "api/v1/runs?max_results=-1", null),
            ("GET", "api/v1/runs?max_results=99999999999", null),
            ("GET", "api/v1/runs?order_by=colour%20up", null),
            ("GET", "api/v1/runs?page_token=%%%", null),
            ("GET", "api/v1/runs?experiment=nope", null),
            ("GET", "api/v1/models/nope", null),
            ("GET", "api/v1/models/nope/versions/abc", null),
            ("GET", "api/v1/models/nope/versions/0", null),
            ("GET", "api/v1/models/nope/aliases/history", null),
            ("PUT", "api/v1/models/nope/aliases/champion", Json("{\"version\":\"one\"}")),
            ("PUT", "api/v1/models/nope/aliases/champion", Json("{\"version\":1}")),
            ("DELETE", "api/v1/models/nope/aliases/champion", null),
            ("DELETE", "api/v1/runs", null),
            ("PATCH", $"{run}", Json("{}")),
            ("GET", "api/v2/runs", null),
            ("GET", "api/v1/nothing/here", null),
            ("PUT", $"{run}/artifacts/..%2Fx", Json("x")),
            ("PUT", $"{run}/artifacts/a%5Cb", Json("x")),
            ("PUT", $"{run}/artifacts/a%25b", Json("x")),
            ("GET", $"{run}/artifacts/missing.txt", null),
        };
        foreach (var r in fixedOnes) yield return r;
        var valid = "{\"experiment\":\"x\",\"name\":\"n\",\"tags\":{\"a\":\"b\"}}";
        var batch = "{\"params\":{\"p\":\"1\"},\"metrics\":[{\"key\":\"m\",\"value\":1,\"step\":2}],\"tags\":{\"t\":\"v\"}}";
        while (true)
        {
            switch (random.Next(4))
            {
                case 0: // a valid body cut short is never valid JSON
                    yield return ("POST", "api/v1/runs", Json(valid[..random.Next(valid.Length - 1)]));
                    break;
                case 1:
                    yield return ("POST", $"{run}/batch", Json(batch[..random.Next(batch.Length - 1)]));
                    break;
                case 2: // random words ending in "(" never parse: the clause before it or the unclosed parenthesis is refused
                    var words = Enumerable.Range(0, random.Next(1, 8)).Select(_ => FilterWords[random.Next(FilterWords.Length)]).Append("(");
                    yield return ("GET", "api/v1/runs?filter=" + Uri.EscapeDataString(string.Join(" ", words)), null);
                    break;
                default: // random bytes as a body
                    var bytes = new byte[random.Next(1, 64)];
                    random.NextBytes(bytes);
                    bytes[0] = (byte)'#';
                    yield return ("POST", random.Next(2) == 0 ? "api/v1/runs" : $"{run}/status", bytes);
                    break;
            }
        }
    }
}
