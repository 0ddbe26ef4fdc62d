extern alias pairing;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Platform.Security.PersonalData;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests;

public sealed class HouseholdsFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<PairingProgram> Pairing { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("households");
        VirtualHost = await TestVirtualHost.CreateAsync("households");
        Pairing = new ServiceHost<PairingProgram>(TestSettings.For(Database, VirtualHost, relayEnabled: false));
        Pairing.Server.ShouldNotBeNull(); // migrations

        // Pairing learns villages from dispatch's VillageCategoryChanged events (OutboxInboxTests proves that path);
        // here they are written directly so the household rules are tested alone.
        await using var dataSource = Database.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO villages (code, name, category, changed_at) VALUES
              ('511702104201', '青杠村', 'poor', now()), ('511702104202', '白鹤村', 'non_poor', now()), ('511703105201', '金山村', 'poor', now())
            """);
    }

    public async Task DisposeAsync()
    {
        await Pairing.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Households (建档立卡户): import discipline, protected head IDs, scope, scattered households, status history.</summary>
public sealed class HouseholdsTests(HouseholdsFixture fixture) : IClassFixture<HouseholdsFixture>
{
    private const string Header = "户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态";

    private static string Id(int n)
    {
        var first17 = $"5117021970{(n % 12) + 1:D2}{(n % 28) + 1:D2}{n % 1000:D3}";
        return first17 + CitizenId.CheckCharacter(first17);
    }

    private HttpClient Client(string role, string scope) => fixture.Pairing.CreateClient(TestSettings.Token(role, scope));

    private async Task<HttpResponseMessage> ImportAsync(string body, string role = Roles.Province, string scope = "51")
    {
        using var client = Client(role, scope);
        return await client.PostAsync("/api/pairing/households/import", RegionFiles.Csv(body));
    }

    [Fact]
    public async Task Households_import_and_read_back_scoped_masked_and_marked_scattered()
    {
        var head = Id(11);
        var file = $"{Header}\n王大,{head},4,511702104201,因病;缺技术,深度贫困,中,未脱贫\n李二,{Id(12)},2,511702104202,缺劳力,一般贫困,低,边缘户\n张三,{Id(13)},5,511703105201,因学,一般贫困,高,已脱贫\n";
        using var import = await ImportAsync(file);
        import.StatusCode.ShouldBe(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        (await import.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("created").GetInt32().ShouldBe(3);

        await using (var dataSource = fixture.Database.CreateDataSource())
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM households h WHERE h::text LIKE '%' || @head || '%'", new { head })).ShouldBe(0);
        }

        using var county = Client(Roles.County, "511702");
        var page = await county.GetFromJsonAsync<JsonElement>("/api/pairing/households");
        var items = page.GetProperty("items").EnumerateArray().ToList();
        items.Select(h => h.GetProperty("headName").GetString()).ShouldBe(["王大", "李二"], ignoreOrder: true);
        items.Single(h => h.GetProperty("headName").GetString() == "王大").GetProperty("headCitizenId").GetString().ShouldBe(head);
        items.Single(h => h.GetProperty("headName").GetString() == "李二").GetProperty("scattered").GetBoolean().ShouldBeTrue(); // 插花贫困户

        using var township = Client(Roles.Township, "511702");
        var masked = await township.GetFromJsonAsync<JsonElement>("/api/pairing/households?status=未脱贫");
        masked.GetProperty("items").EnumerateArray().Single().GetProperty("headCitizenId").GetString().ShouldBe(head[..4] + "**********" + head[^4..]);
    }

    [Fact]
    public async Task A_bad_file_is_rejected_whole_with_lines_and_an_unknown_village_too()
    {
        var file = $"{Header}\n赵四,{Id(21)[..17]}0,0,511702104201,因懒,很穷,中,未脱贫\n钱五,{Id(22)},3,511702999201,因病,一般贫困,中,未脱贫\n";
        using var response = await ImportAsync(file);
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var codes = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("code").GetString())).ToList();
        codes.ShouldContain((2, "invalid_count"));
        codes.ShouldContain((2, "unknown_cause"));
        codes.ShouldContain((2, "unknown_depth"));

        using var unknownVillage = await ImportAsync($"{Header}\n钱五,{Id(22)},3,511702999201,因病,一般贫困,中,未脱贫\n");
        unknownVillage.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await unknownVillage.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("unknown_village");

        using var otherCounty = await ImportAsync($"{Header}\n孙六,{Id(23)},3,511703105201,因病,一般贫困,中,未脱贫\n", Roles.County, "511702");
        (await otherCounty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("out_of_scope");
    }

    [Fact]
    public async Task Every_household_file_taken_or_rejected_is_kept_in_the_imports_with_its_name_and_who_loaded_it()
    {
        using var client = Client(Roles.County, "511702");
        var taken = $"{Header}\n周七,{Id(31)},3,511702104201,因病,一般贫困,中,未脱贫\n吴八,{Id(32)},2,511702104202,缺劳力,一般贫困,低,未脱贫\n";
        using (var response = await client.PostAsync("/api/pairing/households/import?fileName=" + Uri.EscapeDataString("东峰镇建档立卡户.csv"), RegionFiles.Csv(taken)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        var rejected = $"{Header}\n郑九,{Id(33)},3,511702999201,因病,一般贫困,中,未脱贫\n";
        using (var response = await client.PostAsync("/api/pairing/households/import?fileName=bad.csv", RegionFiles.Csv(rejected)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        }

        await using var dataSource = fixture.Database.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string FileName, string Scope, string ImportedBy, string Status, int RowsRead, int Created, int ErrorCount, string? Errors)>(
            """
            SELECT file_name, scope, imported_by, status, rows_read, created, error_count, errors::text
            FROM imports WHERE kind = 'households' AND file_name IN ('东峰镇建档立卡户.csv', 'bad.csv') ORDER BY started_at
            """)).ToList();
        rows.Count.ShouldBe(2);
        rows[0].ShouldBe(("东峰镇建档立卡户.csv", "511702", "test-county-511702", "succeeded", 2, 2, 0, null));
        rows[1].FileName.ShouldBe("bad.csv");
        rows[1].Status.ShouldBe("rejected");
        rows[1].Created.ShouldBe(0);
        rows[1].ErrorCount.ShouldBe(1);
        rows[1].Errors.ShouldNotBeNull().ShouldContain("unknown_village");
    }

    [Fact]
    public async Task A_status_change_is_kept_in_the_history_with_its_reason()
    {
        using var import = await ImportAsync($"{Header}\n周七,{Id(31)},3,511702104201,缺资金,一般贫困,中,未脱贫\n");
        import.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var county = Client(Roles.County, "511702");
        var household = (await county.GetFromJsonAsync<JsonElement>("/api/pairing/households?limit=1000")).GetProperty("items").EnumerateArray()
            .Single(h => h.GetProperty("headName").GetString() == "周七");
        var id = household.GetProperty("id").GetGuid();

        using var exited = await county.PostAsJsonAsync($"/api/pairing/households/{id}/status", new { status = "已脱贫", reason = "2026年脱贫验收" });
        exited.StatusCode.ShouldBe(HttpStatusCode.OK, await exited.Content.ReadAsStringAsync());
        (await exited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("exited");
        (await county.PostAsJsonAsync($"/api/pairing/households/{id}/status", new { status = "返贫", reason = "" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Client(Roles.County, "511703").PostAsJsonAsync($"/api/pairing/households/{id}/status", new { status = "返贫", reason = "测试" }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);

        await using var dataSource = fixture.Database.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        var history = (await connection.QueryAsync<(string? Previous, string Status, string Reason)>(
            "SELECT previous_status, status, reason FROM household_status_changes WHERE household_id = @id ORDER BY id", new { id })).ToList();
        history.ShouldBe([("in_poverty", "exited", "2026年脱贫验收")]);

        // An import that changes the status writes its row too; every row has its HouseholdStatusChanged event (for
        // assessment), written with it: same id, same instant (to the microsecond). The refused changes wrote neither.
        using var reimport = await ImportAsync($"{Header}\n周七,{Id(31)},3,511702104201,缺资金,一般贫困,中,返贫\n");
        reimport.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = (await connection.QueryAsync<(string? Previous, string Status, string Reason)>(
            """
            SELECT o.payload->>'previousStatus', o.payload->>'status', o.payload->>'reason' FROM outbox_messages o
            JOIN household_status_changes c ON c.id = (o.payload->>'changeId')::bigint AND abs(extract(epoch FROM c.changed_at - (o.payload->>'changedAt')::timestamptz)) <= 0.000001
            WHERE o.message_type LIKE '%HouseholdStatusChanged' AND c.household_id = @id AND o.payload->>'householdId' = @household
              AND o.payload->>'villageCode' = '511702104201'
            ORDER BY c.id
            """, new { id, household = id.ToString() })).ToList();
        events.ShouldBe([("in_poverty", "exited", "2026年脱贫验收"), ("exited", "returned", "档案导入")]);
        (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%HouseholdStatusChanged' AND payload->>'householdId' = @household",
            new { household = id.ToString() })).ShouldBe(2);
    }
}
