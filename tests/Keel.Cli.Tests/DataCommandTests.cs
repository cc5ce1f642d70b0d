namespace Keel.Cli.Tests;

/// <summary>keel validate and keel sample, and the data checks of keel run, through the real command tree.</summary>
public sealed class DataCommandTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task RunPenguinsAsync()
    {
        _h.CopySample("penguins.csv");
        _h.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [zero_rule]\nregister: {alias: champion}\n");
        var run = await _h.RunAsync("run", "keel.yaml", "--json");
        Assert.Equal(0, run.Exit);
    }

    [Fact]
    public async Task Validate_AgainstChampion_ListsEveryViolationWithRowAndColumn()
    {
        await RunPenguinsAsync();
        _h.Write("new.csv", "Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Body Mass (g),Sex\nBiscoe,40,18,190,3800,MALE\nAtlantis,40,18,190,99000,FEMALE\n");

        var r = await _h.RunAsync("validate", "new.csv", "--against", "penguins@champion", "--json");

        Assert.Equal(0, r.Exit); // warnings only
        var all = r.Json().GetProperty("violations").EnumerateArray().ToArray();
        var v = all.Where(x => x.GetProperty("row").ValueKind == System.Text.Json.JsonValueKind.Number)
            .Select(x => (x.GetProperty("rule").GetString(), x.GetProperty("column").GetString(), x.GetProperty("row").GetInt64())).ToArray();
        Assert.Contains(("unknown_category", "Island", 1L), v);
        Assert.Contains(("above_max", "Body Mass (g)", 1L), v);
        Assert.Equal(2, v.Length);
        // Two rows are far fewer than the tenth of the training rows the inferred band starts at.
        Assert.Equal("row_count", Assert.Single(all, x => x.GetProperty("row").ValueKind == System.Text.Json.JsonValueKind.Null).GetProperty("rule").GetString());
        Assert.Equal("penguins@champion (version 1)", r.Json().GetProperty("contract").GetString());
    }

    [Fact]
    public async Task Validate_AgainstChampion_WrongTypeIsAnErrorExit3()
    {
        await RunPenguinsAsync();
        _h.Write("new.csv", "Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Body Mass (g),Sex\nBiscoe,40,18,190,3800,MALE\nDream,40,18,tall,3900,FEMALE\n");

        var r = await _h.RunAsync("validate", "new.csv", "--against", "penguins@champion");

        Assert.Equal(3, r.Exit);
        Assert.Contains("type", r.Console, StringComparison.Ordinal);
        Assert.Contains("tall", r.Console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_LabelNotAColumn_Exit1NamingFileAndColumn()
    {
        _h.CopySample("penguins.csv");

        var r = await _h.RunAsync("validate", "penguins.csv", "--label", "Specie");

        Assert.Equal(1, r.Exit);
        Assert.Contains("penguins.csv: --label 'Specie' is not a column", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_CreditData_FindsDuplicatesAndReportsJson()
    {
        _h.CopySample("credit_data.csv");

        var r = await _h.RunAsync("validate", "credit_data.csv", "--label", "Status", "--json");

        Assert.Equal(0, r.Exit);
        var checks = r.Json().GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("check").GetString()).ToArray();
        Assert.Contains("duplicate_rows", checks);
        Assert.Contains("label_noise_suspects", checks);
    }

    [Fact]
    public async Task Validate_WriteContractOverTheData_RefusedAndDataKept_IntoANewFolderWritten()
    {
        var data = _h.CopySample("penguins.csv");
        var before = File.ReadAllBytes(data);

        var over = await _h.RunAsync("validate", "penguins.csv", "--write-contract", "penguins.csv");
        var nested = await _h.RunAsync("validate", "penguins.csv", "--write-contract", "contracts/penguins.json");

        Assert.Equal(1, over.Exit);
        Assert.Contains("--write-contract penguins.csv: the input file itself; the contract would replace the data", over.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(data));
        Assert.True(nested.Exit == 0, nested.Error);
        Assert.Contains("\"format_version\"", File.ReadAllText(Path.Combine(_h.Folder, "contracts", "penguins.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ContractBrokenByData_Exit1NamingRowAndColumnStoreUntouched()
    {
        _h.CopySample("penguins.csv");
        Assert.Equal(0, (await _h.RunAsync("validate", "penguins.csv", "--write-contract", "contract.json")).Exit);
        var lines = File.ReadAllLines(CliHarness.Sample("penguins.csv"));
        lines[5] = lines[5].Replace(",MALE", ",7", StringComparison.Ordinal).Replace(",FEMALE", ",7", StringComparison.Ordinal);
        lines[3] = "Adelie,Torgersen,40.3,18,195,heavy,FEMALE";
        File.WriteAllLines(Path.Combine(_h.Folder, "new.csv"), lines);
        _h.Write("keel.yaml", "data: {path: new.csv, label: Species, contract: contract.json}\nmodels: [zero_rule]\n");

        var r = await _h.RunAsync("run", "keel.yaml");

        Assert.Equal(1, r.Exit);
        Assert.Contains("field 'data.contract'", r.Error, StringComparison.Ordinal);
        Assert.Contains("row 2, column 'Body Mass (g)' ('heavy')", r.Error, StringComparison.Ordinal);
        Assert.Equal("(no store)", _h.StoreFingerprint());
    }

    [Fact]
    public async Task Run_Json_HasChecksAndStoresContract()
    {
        await RunPenguinsAsync();
        var r = await _h.RunAsync("run", "keel.yaml", "--json");

        var checks = r.Json().GetProperty("checks");
        Assert.Equal(0, checks.GetProperty("leakage").GetArrayLength());
        Assert.True(checks.GetProperty("integrity").GetArrayLength() >= 0);
        var show = await _h.RunAsync("runs", "show", r.Json().GetProperty("run_id").GetString()!, "--json");
        Assert.Contains("data/contract.json", show.Out, StringComparison.Ordinal);
        Assert.Contains("data/checks.json", show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_ReservoirJson_SizesAndSeed()
    {
        _h.CopySample("penguins.csv");

        var r = await _h.RunAsync("sample", "penguins.csv", "--strategy", "reservoir", "--n", "50", "--seed", "9", "--output", "s.csv", "--json");

        Assert.Equal(0, r.Exit);
        Assert.Equal((344, 50, 9), (r.Json().GetProperty("input_rows").GetInt32(), r.Json().GetProperty("sampled_rows").GetInt32(), r.Json().GetProperty("seed").GetInt32()));
        Assert.Equal(51, File.ReadAllLines(Path.Combine(_h.Folder, "s.csv")).Length);
    }

    [Fact]
    public async Task Sample_Latin1File_ReadWithEncodingOptionAndWrittenAsUtf8()
    {
        var lines = File.ReadAllLines(CliHarness.Sample("penguins.csv")).Select(l => l.Replace("Dream", "Dréam"));
        File.WriteAllBytes(Path.Combine(_h.Folder, "p.csv"), System.Text.Encoding.Latin1.GetBytes(string.Join("\n", lines) + "\n"));

        var refused = await _h.RunAsync("sample", "p.csv", "--strategy", "stratified", "--by", "Island", "--n", "60", "--output", "s.csv");
        var r = await _h.RunAsync("sample", "p.csv", "--strategy", "stratified", "--by", "Island", "--n", "60", "--output", "s.csv", "--encoding", "latin1");

        Assert.Equal(1, refused.Exit);
        Assert.Contains("invalid UTF-8", refused.Error, StringComparison.Ordinal);
        Assert.True(r.Exit == 0, r.Error);
        Assert.Contains(",Dréam,", File.ReadAllText(Path.Combine(_h.Folder, "s.csv"), System.Text.Encoding.UTF8), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_UnknownStrategy_Exit1Naming()
    {
        _h.CopySample("penguins.csv");

        var r = await _h.RunAsync("sample", "penguins.csv", "--strategy", "cluster", "--n", "5", "--output", "s.csv");

        Assert.Equal(1, r.Exit);
        Assert.Contains("--strategy: expected random, stratified, weighted, reservoir or importance, got 'cluster'", r.Error, StringComparison.Ordinal);
    }
}
