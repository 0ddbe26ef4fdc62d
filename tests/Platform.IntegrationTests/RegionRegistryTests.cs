extern alias dispatch;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using DispatchProgram = dispatch::Program;

namespace Platform.IntegrationTests;

public sealed class RegionRegistryFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("regions");
        VirtualHost = await TestVirtualHost.CreateAsync("regions");
        // The relay is off: these tests read the events from the outbox table itself.
        Dispatch = new ServiceHost<DispatchProgram>(TestSettings.For(Database, VirtualHost, relayEnabled: false));
        using var province = Dispatch.CreateClient(TestSettings.Token(Roles.Province, "51"));
        using var response = await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        await Dispatch.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed class RegionRegistryTests(RegionRegistryFixture fixture) : IClassFixture<RegionRegistryFixture>
{
    private HttpClient Client(string role, string scope) => fixture.Dispatch.CreateClient(TestSettings.Token(role, scope));

    private Task<long> CountAsync(string sql, object? args = null) => fixture.Database.ScalarAsync<long>(sql, args);

    [Fact]
    public async Task A_county_official_sees_only_their_county()
    {
        using var county = Client(Roles.County, "511702");
        var page = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/villages?prefix=51&limit=100");
        var codes = page.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("code").GetString()).ToList();
        codes.ShouldBe(["511702104201", "511702104202", "511702104203"]);

        using var other = await county.GetAsync("/api/dispatch/villages/511703105201");
        other.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("village_not_found");

        using var otherCounty = await county.GetAsync("/api/dispatch/villages?prefix=511703");
        otherCounty.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await otherCounty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("region_out_of_scope");
    }

    [Fact]
    public async Task A_village_reads_back_with_its_category_and_indicators()
    {
        using var county = Client(Roles.County, "511702");
        var village = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/villages/511702104201");
        village.GetProperty("name").GetString().ShouldBe("青杠村");
        village.GetProperty("townshipCode").GetString().ShouldBe("511702104000");
        village.GetProperty("countyCode").GetString().ShouldBe("511702000000");
        village.GetProperty("indicators").GetProperty("industry").GetInt32().ShouldBe(35);
        village.GetProperty("poorHouseholds").GetInt32().ShouldBe(132);
        village.GetProperty("location").GetProperty("latitude").GetDouble().ShouldBe(31.212345);
    }

    [Fact]
    public async Task Keyset_paging_walks_every_village_once_in_code_order()
    {
        using var province = Client(Roles.Province, "51");
        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await province.GetFromJsonAsync<JsonElement>($"/api/dispatch/villages?prefix=5117&limit=2{(after is null ? "" : "&after=" + after)}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("code").GetString()!));
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);

        seen.ShouldBe(["511702104201", "511702104202", "511702104203", "511703105201", "511703105202"]);
    }

    [Fact]
    public async Task Villages_filter_by_category()
    {
        using var province = Client(Roles.Province, "51");
        var page = await province.GetFromJsonAsync<JsonElement>("/api/dispatch/villages?prefix=5117&category=贫困村");
        page.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("code").GetString()).ShouldBe(["511702104201", "511703105201"]);
    }

    [Theory]
    [InlineData("/api/dispatch/villages?prefix=51x", "prefix")]
    [InlineData("/api/dispatch/villages?limit=0", "limit")]
    [InlineData("/api/dispatch/villages?category=rich", "category")]
    [InlineData("/api/dispatch/villages?after=123", "after")]
    public async Task Bad_query_parameters_are_a_400_naming_the_field(string url, string field)
    {
        using var province = Client(Roles.Province, "51");
        using var response = await province.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().ShouldBe("invalid_query");
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldContain(field);
    }

    [Fact]
    public async Task Requests_without_a_valid_token_are_401_problems()
    {
        using var anonymous = fixture.Dispatch.CreateClient();
        using var response = await anonymous.GetAsync("/api/dispatch/villages");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var forged = DevelopmentTokens.Create(new AuthOptions { Issuer = "platform-test", Audience = "platform", SigningKey = new string('x', 48) },
            "forger", [Roles.Province], "51");
        using var forger = fixture.Dispatch.CreateClient(forged);
        using var forgedResponse = await forger.GetAsync("/api/dispatch/villages");
        forgedResponse.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_county_official_may_not_change_a_village_category()
    {
        using var county = Client(Roles.County, "511702");
        using var response = await county.PutAsJsonAsync("/api/dispatch/villages/511702104202/category", new { category = "exited", reason = "验收通过" });
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("forbidden");
    }

    [Fact]
    public async Task A_city_official_outside_the_village_s_city_gets_not_found()
    {
        using var otherCity = Client(Roles.City, "5118");
        using var response = await otherCity.PutAsJsonAsync("/api/dispatch/villages/511702104202/category", new { category = "exited", reason = "验收通过" });
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await CountAsync("SELECT count(*) FROM village_category_changes WHERE village_code = '511702104202' AND reason = '验收通过'")).ShouldBe(0);
    }

    [Fact]
    public async Task Changing_a_category_records_history_and_writes_the_event_in_the_same_transaction()
    {
        using var city = Client(Roles.City, "5117");
        using var response = await city.PutAsJsonAsync("/api/dispatch/villages/511703105202/category", new { category = "已退出村", reason = "2026年退出验收通过" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("previousCategory").GetString().ShouldBe("planned_exit");
        result.GetProperty("category").GetString().ShouldBe("exited");
        result.GetProperty("changed").GetBoolean().ShouldBeTrue();

        (await CountAsync("SELECT count(*) FROM village_category_changes WHERE village_code = '511703105202' AND category = 'exited' AND reason = '2026年退出验收通过'")).ShouldBe(1);
        (await CountAsync("""
            SELECT count(*) FROM outbox_messages
            WHERE message_type = 'Platform.Contracts.IntegrationEvents.Dispatch.V1.VillageCategoryChanged'
              AND payload->>'villageCode' = '511703105202' AND payload->>'category' = 'exited' AND payload->>'previousCategory' = 'planned_exit'
            """)).ShouldBe(1);

        // Asking again for the category it already has changes nothing and publishes nothing.
        using var again = await city.PutAsJsonAsync("/api/dispatch/villages/511703105202/category", new { category = "exited", reason = "重复提交" });
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changed").GetBoolean().ShouldBeFalse();
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE payload->>'villageCode' = '511703105202' AND payload->>'category' = 'exited'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_category_change_without_reason_or_with_an_unknown_category_is_a_400_and_changes_nothing()
    {
        using var province = Client(Roles.Province, "51");
        using var response = await province.PutAsJsonAsync("/api/dispatch/villages/511702104202/category", new { category = "rich", reason = "" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldBe(["category", "reason"], ignoreOrder: true);
        var village = await province.GetFromJsonAsync<JsonElement>("/api/dispatch/villages/511702104202");
        village.GetProperty("category").GetString().ShouldBe("non_poor");
    }

    [Fact]
    public async Task A_file_with_bad_rows_is_rejected_whole_with_line_numbers()
    {
        var before = await CountAsync("SELECT count(*) FROM regions");
        var file = string.Join('\n',
            RegionFiles.Header,
            "511702105000,新镇,乡,511702000000,,,,,,,,",                                          // line 2: fine on its own
            "511702105201,好村,村,511702105000,贫困村,40,35,55,1820,132,107.5,31.2",                // line 3: fine
            "51170210520,短码村,村,511702105000,贫困村,40,35,55,1820,132,107.5,31.2",               // line 4: 11 digits
            "511702105203,富村,村,511702105000,富裕村,40,35,55,1820,132,107.5,31.2",                // line 5: unknown category
            "511702106201,孤村,村,511702106000,贫困村,40,35,55,1820,132,107.5,31.2",                // line 6: parent missing
            "\"511702105201\",好村,村,511702105000,贫困村,40,35,55,1820,132,107.5,31.2") + "\n";   // line 7: duplicate of 3
        using var province = Client(Roles.Province, "51");
        using var response = await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(file));
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().ShouldBe("invalid_region_file");
        var errors = problem.GetProperty("errors").EnumerateArray()
            .Select(e => (Line: e.GetProperty("line").GetInt64(), Code: e.GetProperty("code").GetString())).ToList();
        errors.ShouldContain((4, "invalid_division_code"));
        errors.ShouldContain((5, "unknown_category"));
        (await CountAsync("SELECT count(*) FROM regions")).ShouldBe(before);
        (await CountAsync("SELECT count(*) FROM region_imports WHERE status = 'rejected'")).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Cross_row_errors_missing_parent_and_duplicate_are_reported_with_their_lines()
    {
        var file = string.Join('\n',
            RegionFiles.Header,
            "511702107000,东镇,乡,511702000000,,,,,,,,",
            "511702107201,东村,村,511702107000,贫困村,40,35,55,1820,132,107.5,31.2",
            "511702108201,孤村,村,511702108000,贫困村,40,35,55,1820,132,107.5,31.2",
            "511702107201,东村,村,511702107000,贫困村,40,35,55,1820,132,107.5,31.2") + "\n";
        using var province = Client(Roles.Province, "51");
        using var response = await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(file));
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => (Line: e.GetProperty("line").GetInt64(), Code: e.GetProperty("code").GetString())).ToList();
        errors.ShouldBe([(4, "missing_parent"), (5, "duplicate_code")]);
        (await CountAsync("SELECT count(*) FROM regions WHERE code LIKE '511702107%'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_county_official_cannot_import_rows_of_another_county()
    {
        var file = string.Join('\n', RegionFiles.Header, "511703109000,外镇,乡,511703000000,,,,,,,,") + "\n";
        using var county = Client(Roles.County, "511702");
        using var response = await county.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(file));
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("out_of_scope");
        (await CountAsync("SELECT count(*) FROM regions WHERE code = '511703109000'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_missing_header_or_wrong_content_type_is_refused()
    {
        using var province = Client(Roles.Province, "51");
        using var noHeader = await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv("区划代码,名称\n510000000000,示范省\n"));
        noHeader.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await noHeader.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .ShouldContain(e => e.GetProperty("code").GetString() == "missing_column");

        using var json = await province.PostAsJsonAsync("/api/dispatch/regions/import", new { rows = 1 });
        json.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Reimporting_the_same_file_changes_nothing_and_publishes_nothing()
    {
        var file = string.Join('\n',
            RegionFiles.Header,
            "511800000000,巴中市,市,510000000000,,,,,,,,",
            "511802000000,巴州区,县,511800000000,,,,,,,,",
            "511802101000,南坝镇,乡,511802000000,,,,,,,,",
            "511802101201,桃花村,村,511802101000,贫困村,40,35,55,1820,132,107.7,31.3",
            "511802101202,李子村,村,511802101000,非贫困村,70,65,75,2000,20,107.71,31.31") + "\n";
        using var province = Client(Roles.Province, "51");
        using var first = await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(file));
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var created = await first.Content.ReadFromJsonAsync<JsonElement>();
        created.GetProperty("created").GetInt32().ShouldBe(5);
        created.GetProperty("categoryChanges").GetInt32().ShouldBe(2);

        using var second = await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(file));
        var repeated = await second.Content.ReadFromJsonAsync<JsonElement>();
        repeated.GetProperty("created").GetInt32().ShouldBe(0);
        repeated.GetProperty("updated").GetInt32().ShouldBe(0);
        repeated.GetProperty("unchanged").GetInt32().ShouldBe(5);
        repeated.GetProperty("categoryChanges").GetInt32().ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE payload->>'villageCode' LIKE '511802%'")).ShouldBe(2);

        var audit = await province.GetFromJsonAsync<JsonElement>($"/api/dispatch/region-imports/{repeated.GetProperty("importId").GetGuid()}");
        audit.GetProperty("status").GetString().ShouldBe("succeeded");
        audit.GetProperty("importedBy").GetString().ShouldBe("test-province-51");
        // The path before issue 22 still answers the same record.
        var old = await province.GetFromJsonAsync<JsonElement>($"/api/dispatch/regions/imports/{repeated.GetProperty("importId").GetGuid()}");
        old.GetProperty("importedBy").GetString().ShouldBe("test-province-51");
    }

    [Fact]
    public async Task The_tree_shows_a_county_official_their_ancestors_but_not_their_neighbours()
    {
        using var county = Client(Roles.County, "511702");
        var children = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/regions/511700000000/children");
        children.EnumerateArray().Select(r => r.GetProperty("code").GetString()).ShouldBe(["511702000000"]);
        using var neighbour = await county.GetAsync("/api/dispatch/regions/511703000000");
        neighbour.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
