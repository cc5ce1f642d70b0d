using System.Net;
using System.Text.Json;

namespace Keel.Serving.Tests;

[Collection(ServedModelCollection.Name)]
public sealed class MalformedRequestTests(ServedModelFixture f)
{
    private const string Row = """{"Seniority":9,"Home":"rent","Time":60,"Age":30,"Marital":"married","Records":"no","Job":"freelance","Expenses":73,"Income":129,"Assets":0,"Debt":0,"Amount":800,"Price":846}""";

    /// <summary>Body, content type, expected status, and a word the error message must contain.</summary>
    public static TheoryData<string, string?, int, string> Bodies => new()
    {
        { "", "application/json", 400, "empty" },
        { "{", "application/json", 400, "not valid JSON" },
        { """{"dataframe_records":[{"Seniority":9""", "application/json", 400, "not valid JSON" },
        { "[]", "application/json", 400, "expected a JSON object" },
        { "null", "application/json", 400, "expected a JSON object" },
        { "42", "application/json", 400, "expected a JSON object" },
        { "{}", "application/json", 400, "dataframe_split" },
        { """{"rows":[]}""", "application/json", 400, "dataframe_records" },
        { """{"dataframe_records":[],"instances":[]}""", "application/json", 400, "exactly one" },
        { """{"dataframe_records":[]}""", "application/json", 400, "no rows" },
        { """{"dataframe_records":{}}""", "application/json", 400, "array of objects" },
        { """{"dataframe_records":[1,2]}""", "application/json", 400, "dataframe_records[0]" },
        { """{"dataframe_records":[[9,"rent"]]}""", "application/json", 400, "matched by name" },
        { """{"dataframe_split":{"columns":["Income"]}}""", "application/json", 400, "dataframe_split.data" },
        { """{"dataframe_split":{"data":[[1]]}}""", "application/json", 400, "dataframe_split.columns" },
        { """{"dataframe_split":{"columns":["Income","Income"],"data":[[1,2]]}}""", "application/json", 400, "twice" },
        { """{"dataframe_split":{"columns":["Note","Income","Note"],"data":[[1,2,3]]}}""", "application/json", 400, "column 'Note' appears twice" },
        { """{"dataframe_split":{"columns":["Note","Income","Extra"],"data":[[1,2,3]]}}""", "application/json", 400, "missing columns" },
        { """{"dataframe_split":{"columns":["Income",3],"data":[[1,2]]}}""", "application/json", 400, "columns[1]" },
        { """{"dataframe_split":{"columns":["Income"],"data":[[1,2]]}}""", "application/json", 400, "data[0]" },
        { """{"dataframe_split":{"columns":["Income"],"data":[5]}}""", "application/json", 400, "data[0]" },
        { """{"dataframe_records":[{"Income":129}]}""", "application/json", 400, "missing columns" },
        { $$"""{"dataframe_records":[{{Row.Replace("\"Age\":30", "\"age\":30", StringComparison.Ordinal)}}]}""", "application/json", 400, "missing column 'Age' (numeric; the input has 'age')" },
        { """{"dataframe_records":[{"Note":"x"}]}""", "application/json", 400, "'Seniority'" },
        { $$"""{"dataframe_records":[{{Row.Replace("\"Income\":129", "\"Income\":\"lots\"", StringComparison.Ordinal)}}]}""", "application/json", 400, "row 0 (0-based), column 'Income'" },
        { $$"""{"dataframe_records":[{{Row}},{{Row.Replace("\"Age\":30", "\"Age\":true", StringComparison.Ordinal)}}]}""", "application/json", 400, "row 1 (0-based), column 'Age'" },
        { $$"""{"dataframe_records":[{{Row.Replace("\"Age\":30", "\"Age\":[30]", StringComparison.Ordinal)}}]}""", "application/json", 400, "column 'Age'" },
        { $$"""{"dataframe_records":[{{Row.Replace("\"Home\":\"rent\"", "\"Home\":{\"a\":1}", StringComparison.Ordinal)}}]}""", "application/json", 400, "column 'Home'" },
        { """{"inputs":{"Income":[1,2],"Age":[3]}}""", "application/json", 400, "inputs.Age" },
        { """{"inputs":"x"}""", "application/json", 400, "inputs" },
        { """{"instances":7}""", "application/json", 400, "instances" },
        { Row, "text/plain", 415, "Content-Type" },
        { Row, null, 415, "Content-Type" },
        { Row, "application/xml", 415, "Content-Type" },
        { "", "text/csv", 400, "empty" },
        { "Seniority,Home\n1,2,3\n", "text/csv", 400, "line 2" },
        { "Seniority,Home\n", "text/csv", 400, "no rows" },
        { "Income,Age\nabc,3\n", "text/csv", 400, "column 'Income'" },
        { "Income\n\"unterminated\n", "text/csv", 400, "" },
        { "{" + new string(' ', 100) + "\"dataframe_records\":[" + string.Join(",", Enumerable.Repeat("[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]", 1)) + "]}", "application/json", 400, "JSON" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Invocations_MalformedBody_4xxWithJsonErrorNamingTheProblem(string body, string? contentType, int status, string mentions)
    {
        var response = await ServedModelFixture.PostAsync(f.Client, "invocations", body, contentType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode} for {body[..Math.Min(60, body.Length)]}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(text).RootElement;
        Assert.Contains(mentions, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("error_code").GetString()));
    }

    [Theory]
    [InlineData("invocations", "{\"dataframe_records\":[{\"Home\":\"\u00ff\u00fe\"}]}")]
    [InlineData("invocations", "{\"dataframe_split\":{\"columns\":[\"Inc\u00ffome\"],\"data\":[[1]]}}")]
    [InlineData("v2/models/credit-risk/infer", "{\"inputs\":[{\"name\":\"\u00ff\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[1]}]}")]
    [InlineData("feedback", "{\"request_id\":\"\u00ff\u00fe\",\"outcome\":\"bad\"}")]
    public async Task Post_InvalidUtf8InJsonString_400NamingTheBytes(string path, string latin1Body)
    {
        // Each char below 256 becomes one byte: 0xFF and 0xFE are never UTF-8. They used to answer 500 (JsonDocument checks UTF-8 only when a string is read).
        var content = new ByteArrayContent(System.Text.Encoding.Latin1.GetBytes(latin1Body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var response = await f.Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("not valid UTF-8", JsonDocument.Parse(text).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocations_HugeBody_413WithJsonError()
    {
        await using var server = await f.StartAsync(new Hosting.ServeOptions { MaxRequestBodyBytes = 4096 });
        using var client = new HttpClient { BaseAddress = server.Address };
        var body = $$"""{"dataframe_records":[{{string.Join(",", Enumerable.Repeat(Row, 200))}}]}""";
        var response = await ServedModelFixture.PostAsync(client, "invocations", body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("4096", (await ServedModelFixture.JsonAsync(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocations_TooManyRows_413NamingTheLimit()
    {
        await using var server = await f.StartAsync(new Hosting.ServeOptions { MaxRowsPerRequest = 3 });
        using var client = new HttpClient { BaseAddress = server.Address };
        var response = await ServedModelFixture.PostAsync(client, "invocations", $$"""{"dataframe_records":[{{string.Join(",", Enumerable.Repeat(Row, 4))}}]}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 3", (await ServedModelFixture.JsonAsync(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "invocations", 405)]
    [InlineData("POST", "nowhere", 404)]
    [InlineData("POST", "v2/models/unknown/infer", 404)]
    [InlineData("POST", "v2/models/credit-risk/infer", 400)]
    public async Task Server_WrongPathOrMethod_4xxJson(string method, string path, int status)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = new StringContent("""{"inputs":[{"name":"Income"}]}""", System.Text.Encoding.UTF8, "application/json");
        var response = await f.Client.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await ServedModelFixture.JsonAsync(response)).GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Server_ManyMalformedRequests_All4xxWithJsonErrorNoServerErrorAndStillServes()
    {
        // Every malformed body above, plus bodies with bytes that are not UTF-8, round robin: a few hundred requests on one server.
        var bodies = Bodies.Select(b => (Bytes: System.Text.Encoding.UTF8.GetBytes((string)b[0]), Type: (string?)b[1]))
            .Append((System.Text.Encoding.Latin1.GetBytes("{\"dataframe_records\":[{\"Home\":\"\u00ff\"}]}"), "application/json"))
            .Append(([0xFF, 0xFE, 0x00, 0x7B], "application/json"))
            .ToArray();
        for (var i = 0; i < 400; i++)
        {
            var (body, type) = bodies[i % bodies.Length];
            var content = new ByteArrayContent(body);
            if (type is not null) content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type);
            var response = await f.Client.PostAsync("invocations", content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} for body {i % bodies.Length}: {text}");
            var error = JsonDocument.Parse(text).RootElement;
            Assert.False(string.IsNullOrEmpty(error.GetProperty("error_code").GetString()));
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        }
        var ok = await ServedModelFixture.PostAsync(f.Client, "invocations", $$"""{"dataframe_records":[{{Row}}]}""");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.DoesNotContain("code=\"5", await f.Client.GetStringAsync("metrics"), StringComparison.Ordinal);
    }
}
