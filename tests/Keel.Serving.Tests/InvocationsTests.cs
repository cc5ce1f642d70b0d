using System.Net;
using System.Text.Json;

namespace Keel.Serving.Tests;

[Collection(ServedModelCollection.Name)]
public sealed class InvocationsTests(ServedModelFixture f)
{
    private const string Row = """{"Seniority":9,"Home":"rent","Time":60,"Age":30,"Marital":"married","Records":"no","Job":"freelance","Expenses":73,"Income":129,"Assets":0,"Debt":0,"Amount":800,"Price":846}""";
    private const string Columns = """["Seniority","Home","Time","Age","Marital","Records","Job","Expenses","Income","Assets","Debt","Amount","Price"]""";
    private const string Values = """[9,"rent",60,30,"married","no","freelance",73,129,0,0,800,846]""";

    public static TheoryData<string, string, string> SameRowInEveryFormat => new()
    {
        { "dataframe_split", "application/json", "{\"dataframe_split\":{\"columns\":" + Columns + ",\"data\":[" + Values + "]}}" },
        { "dataframe_records", "application/json", $$"""{"dataframe_records":[{{Row}}]}""" },
        { "instances", "application/json", $$"""{"instances":[{{Row}}]}""" },
        { "inputs records", "application/json", $$"""{"inputs":[{{Row}}]}""" },
        { "inputs columns", "application/json; charset=utf-8", """{"inputs":{"Seniority":[9],"Home":["rent"],"Time":[60],"Age":[30],"Marital":["married"],"Records":["no"],"Job":["freelance"],"Expenses":[73],"Income":[129],"Assets":[0],"Debt":[0],"Amount":[800],"Price":[846]}}""" },
        { "text/csv", "text/csv", "Seniority,Home,Time,Age,Marital,Records,Job,Expenses,Income,Assets,Debt,Amount,Price\n9,rent,60,30,married,no,freelance,73,129,0,0,800,846\n" },
        { "text/csv with semicolons", "text/csv", "Seniority;Home;Time;Age;Marital;Records;Job;Expenses;Income;Assets;Debt;Amount;Price\n9;rent;60;30;married;no;freelance;73;129;0;0;800;846\n" },
        { "extra column", "application/json", $$"""{"dataframe_records":[{"Status":"bad","Note":"ignored",{{Row[1..]}}]}""" },
    };

    [Theory]
    [MemberData(nameof(SameRowInEveryFormat))]
    public async Task Invocations_EachFormat_SamePredictionAndHeaders(string format, string contentType, string body)
    {
        var reference = await ServedModelFixture.JsonAsync(await ServedModelFixture.PostAsync(f.Client, "invocations", $$"""{"dataframe_records":[{{Row}}]}"""));
        var response = await ServedModelFixture.PostAsync(f.Client, "invocations", body, contentType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{format}: {response.StatusCode} {text}");
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(reference.GetRawText(), json.GetRawText());
        var p = json.GetProperty("predictions")[0];
        Assert.Contains(p.GetProperty("label").GetString(), new[] { "good", "bad" });
        var probabilities = p.GetProperty("probabilities");
        Assert.Equal(1.0, probabilities.GetProperty("good").GetDouble() + probabilities.GetProperty("bad").GetDouble(), 12);
        Assert.Equal("credit-risk", response.Headers.GetValues("Keel-Model").Single());
        Assert.Equal(f.Champion.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("Keel-Model-Version").Single());
        Assert.Equal("champion", response.Headers.GetValues("Keel-Arm").Single());
        Assert.Matches("^[0-9a-f]{32}$", response.Headers.GetValues("Keel-Request-Id").Single());
    }

    [Fact]
    public async Task Invocations_SemicolonCsvWithDecimalCommas_ReadAsTheFileReadersReadThem()
    {
        var json = $$"""{"dataframe_records":[{{Row.Replace("\"Expenses\":73", "\"Expenses\":73.5").Replace("\"Income\":129", "\"Income\":129.25")}}]}""";
        const string Csv = "Seniority;Home;Time;Age;Marital;Records;Job;Expenses;Income;Assets;Debt;Amount;Price\n9;rent;60;30;married;no;freelance;73,5;129,25;0;0;800;846\n";

        var reference = await ServedModelFixture.JsonAsync(await ServedModelFixture.PostAsync(f.Client, "invocations", json));
        var response = await ServedModelFixture.PostAsync(f.Client, "invocations", Csv, "text/csv");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(reference.GetRawText(), JsonDocument.Parse(text).RootElement.GetRawText());
    }

    [Fact]
    public async Task Invocations_ModelInQueryString_AnsweredByItOr404NamingIt()
    {
        var body = $$"""{"dataframe_records":[{{Row}}]}""";
        var named = await ServedModelFixture.PostAsync(f.Client, "invocations?model=credit-risk", body);
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal("credit-risk", named.Headers.GetValues("Keel-Model").Single());
        var unknown = await ServedModelFixture.PostAsync(f.Client, "invocations?model=nope", body);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("'nope'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocations_NumericLookingCategory_StaysCategoricalAndUnknownGoesToOther()
    {
        // "Home": 5 looks numeric; the schema says categorical, so it is the unknown category "5" (the model's other slot), not an error.
        var body = $$"""{"dataframe_records":[{{Row.Replace("\"rent\"", "5", StringComparison.Ordinal)}}, {{Row.Replace("\"rent\"", "\"never-seen\"", StringComparison.Ordinal)}}]}""";
        var response = await ServedModelFixture.PostAsync(f.Client, "invocations", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await ServedModelFixture.JsonAsync(response)).GetProperty("predictions");
        Assert.Equal(predictions[0].GetRawText(), predictions[1].GetRawText());
    }

    [Fact]
    public async Task Invocations_NullValues_AreMissingAndCountedInMetrics()
    {
        var body = $$"""{"dataframe_records":[{{Row.Replace("\"Income\":129", "\"Income\":null", StringComparison.Ordinal)}}]}""";
        var response = await ServedModelFixture.PostAsync(f.Client, "invocations", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var metrics = await f.Client.GetStringAsync("metrics");
        Assert.Contains("keel_input_missing_values_total{model=\"credit-risk\",version=\"1\",column=\"Income\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterPredictions_ListsRequestsLatencyClassesInFlightAndProcess()
    {
        await ServedModelFixture.PostAsync(f.Client, "invocations", $$"""{"dataframe_records":[{{Row}}]}""");
        var response = await f.Client.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        foreach (var expected in new[]
        {
            "keel_requests_total{model=\"credit-risk\",version=\"1\",arm=\"champion\",endpoint=\"invocations\",code=\"200\"}",
            "keel_request_duration_seconds_bucket{model=\"credit-risk\",version=\"1\",arm=\"champion\",le=",
            "keel_predicted_class_total{model=\"credit-risk\",version=\"1\",arm=\"champion\",class=",
            "keel_prediction_score_bucket{model=\"credit-risk\",version=\"1\",arm=\"champion\",le=",
            "keel_requests_in_flight",
            "keel_prediction_log_dropped_total",
            "keel_model_version{model=\"credit-risk\"} 1",
            "process_working_set_bytes",
            "process_cpu_seconds_total",
        })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Infer_OpenInferenceV2_AnswersOutputsWithModelAndId()
    {
        var body = """
            {"id":"req-1","inputs":[
              {"name":"Seniority","shape":[1],"datatype":"FP64","data":[9]},{"name":"Home","shape":[1],"datatype":"BYTES","data":["rent"]},
              {"name":"Time","shape":[1],"datatype":"FP64","data":[60]},{"name":"Age","shape":[1],"datatype":"FP64","data":[30]},
              {"name":"Marital","shape":[1],"datatype":"BYTES","data":["married"]},{"name":"Records","shape":[1],"datatype":"BYTES","data":["no"]},
              {"name":"Job","shape":[1],"datatype":"BYTES","data":["freelance"]},{"name":"Expenses","shape":[1],"datatype":"FP64","data":[73]},
              {"name":"Income","shape":[1,1],"datatype":"FP64","data":[[129]]},{"name":"Assets","shape":[1],"datatype":"FP64","data":[0]},
              {"name":"Debt","shape":[1],"datatype":"FP64","data":[0]},{"name":"Amount","shape":[1],"datatype":"FP64","data":[800]},
              {"name":"Price","shape":[1],"datatype":"FP64","data":[846]}]}
            """;
        var response = await ServedModelFixture.PostAsync(f.Client, "v2/models/credit-risk/infer", body);
        var json = await ServedModelFixture.JsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("credit-risk", json.GetProperty("model_name").GetString());
        Assert.Equal("req-1", json.GetProperty("id").GetString());
        var outputs = json.GetProperty("outputs");
        Assert.Equal("predicted", outputs[0].GetProperty("name").GetString());
        Assert.Equal(2, outputs[1].GetProperty("data").GetArrayLength());

        var mlflow = await ServedModelFixture.JsonAsync(await ServedModelFixture.PostAsync(f.Client, "invocations", $$"""{"dataframe_records":[{{Row}}]}"""));
        Assert.Equal(mlflow.GetProperty("predictions")[0].GetProperty("probabilities").GetProperty("good").GetDouble(),
            outputs[1].GetProperty("data")[1].GetDouble());
    }

    [Fact]
    public async Task Metadata_AndHealth_AnswerOpenInferenceShapes()
    {
        var meta = await ServedModelFixture.JsonAsync(await f.Client.GetAsync("v2/models/credit-risk"));
        Assert.Equal("credit-risk", meta.GetProperty("name").GetString());
        var inputs = meta.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!, i => i.GetProperty("datatype").GetString());
        Assert.Equal("BYTES", inputs["Home"]);
        Assert.Equal("FP64", inputs["Income"]);
        Assert.False(inputs.ContainsKey("Status"));
        Assert.True((await ServedModelFixture.JsonAsync(await f.Client.GetAsync("v2/health/live"))).GetProperty("live").GetBoolean());
        Assert.True((await ServedModelFixture.JsonAsync(await f.Client.GetAsync("v2/health/ready"))).GetProperty("ready").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await f.Client.GetAsync("v2/models/nope")).StatusCode);
        // MLflow's probes.
        foreach (var probe in new[] { "ping", "health" })
        {
            using var r = await f.Client.GetAsync(probe);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await f.Client.GetAsync("healthz")).StatusCode);
    }
}
