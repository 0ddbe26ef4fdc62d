using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// Service centres (党群服务中心, domain.md §9): a village's centre is rated model, standard or below after a check, each
/// rating kept with its evidence and published; counts per region take each village's latest rating. Dispatch on a real
/// PostgreSQL, its relay off (the events are read from the outbox).
/// </summary>
public sealed class ServiceCentreTests(RegionRegistryFixture fixture) : IClassFixture<RegionRegistryFixture>
{
    private HttpClient Client(string role, string scope) => fixture.Dispatch.CreateClient(TestSettings.Token(role, scope));

    private Task<long> CountAsync(string sql, object? args = null) => fixture.Database.ScalarAsync<long>(sql, args);

    private static Task<HttpResponseMessage> Rate(HttpClient client, string village, object body) =>
        client.PostAsJsonAsync($"/api/dispatch/villages/{village}/service-centre/ratings", body);

    [Fact]
    public async Task A_county_rates_its_villages_centres_keeps_every_rating_and_a_late_entry_for_an_earlier_day_does_not_replace_the_latest()
    {
        using var county = Client(Roles.County, "511702");
        var before = DateTimeOffset.UtcNow;
        using var first = await Rate(county, "511702104201", new { rating = "standard", ratedOn = "2026-03-10", evidence = "场所达标，制度上墙，便民服务台值守" });
        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var firstDto = await first.Content.ReadFromJsonAsync<JsonElement>();
        firstDto.GetProperty("ratingName").GetString().ShouldBe("达标");
        firstDto.GetProperty("recordedAt").GetDateTimeOffset().ShouldBeGreaterThanOrEqualTo(before.AddSeconds(-1)); // the server's clock
        (await Rate(county, "511702104201", new { rating = "示范", ratedOn = "2026-09-20", evidence = "评为示范党群服务中心" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        // Entered late for an earlier day: kept in the history, but the village's rating stays the September one.
        (await Rate(county, "511702104201", new { rating = "below", ratedOn = "2026-01-05", evidence = "年初检查：无固定场所" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var centre = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/villages/511702104201/service-centre");
        centre.GetProperty("villageName").GetString().ShouldBe("青杠村");
        centre.GetProperty("current").GetProperty("rating").GetString().ShouldBe("model");
        centre.GetProperty("ratings").EnumerateArray().Select(r => r.GetProperty("ratedOn").GetString()).ShouldBe(["2026-09-20", "2026-03-10", "2026-01-05"]);

        // Each rating is published with the rating the village had before it.
        var events = await fixture.Database.QueryAsync<(string Rating, string? Previous)>(
            """
            SELECT payload->>'rating', payload->>'previousRating' FROM outbox_messages
            WHERE message_type LIKE '%ServiceCentreRated' AND payload->>'villageCode' = '511702104201' ORDER BY id
            """);
        events.ShouldBe([("standard", null), ("model", "standard"), ("below", "model")]);

        // A village never rated has no current rating and an empty history.
        var unrated = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/villages/511702104203/service-centre");
        unrated.GetProperty("current").ValueKind.ShouldBe(JsonValueKind.Null);
        unrated.GetProperty("ratings").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Counts_by_region_take_each_villages_latest_rating_and_show_the_unrated()
    {
        using var city = Client(Roles.City, "5117");
        (await Rate(city, "511703105201", new { rating = "below", ratedOn = "2026-05-01", evidence = "活动室被占用" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Rate(city, "511703105201", new { rating = "standard", ratedOn = "2026-10-01", evidence = "整改后达标" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var byCounty = await city.GetFromJsonAsync<JsonElement>("/api/dispatch/service-centres/regions?level=county");
        byCounty.GetProperty("levelName").GetString().ShouldBe("县");
        var dachuan = byCounty.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "511703000000");
        dachuan.GetProperty("name").GetString().ShouldBe("达川区");
        (dachuan.GetProperty("villages").GetInt32(), dachuan.GetProperty("standard").GetInt32(), dachuan.GetProperty("below").GetInt32(),
            dachuan.GetProperty("unrated").GetInt32()).ShouldBe((2, 1, 0, 1));
        var regions = byCounty.GetProperty("regions").EnumerateArray().ToList();
        regions.Sum(r => r.GetProperty("villages").GetInt32()).ShouldBe(5);
        byCounty.GetProperty("villages").GetInt32().ShouldBe(5);
        foreach (var region in regions)
        {
            (region.GetProperty("model").GetInt32() + region.GetProperty("standard").GetInt32() + region.GetProperty("below").GetInt32()
                + region.GetProperty("unrated").GetInt32()).ShouldBe(region.GetProperty("villages").GetInt32());
        }

        // A county official sees its own county only, by township by default.
        using var county = Client(Roles.County, "511703");
        var own = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/service-centres/regions");
        own.GetProperty("level").GetString().ShouldBe("township");
        own.GetProperty("regions").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ShouldBe(["511703105000"]);
        (await county.GetAsync("/api/dispatch/service-centres/regions?prefix=511702")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Out_of_scope_villages_answer_as_missing_bad_ratings_get_their_problem_and_neither_writes_anything()
    {
        var ratings = await CountAsync("SELECT count(*) FROM service_centre_ratings");
        var events = await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ServiceCentreRated'");
        using var county = Client(Roles.County, "511702");

        async Task ShouldBeMissing(HttpResponseMessage response)
        {
            using (response)
            {
                response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
                (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("village_not_found");
            }
        }

        // Another county's village, a township and a code that does not exist answer alike.
        await ShouldBeMissing(await Rate(county, "511703105201", new { rating = "model", ratedOn = "2026-10-01", evidence = "越权评定" }));
        await ShouldBeMissing(await Rate(county, "511702104000", new { rating = "model", ratedOn = "2026-10-01", evidence = "乡镇不是村" }));
        await ShouldBeMissing(await Rate(county, "511702104299", new { rating = "model", ratedOn = "2026-10-01", evidence = "不存在的村" }));
        await ShouldBeMissing(await county.GetAsync("/api/dispatch/villages/511703105201/service-centre"));

        async Task ShouldBeInvalid(object body, params string[] fields)
        {
            using var response = await Rate(county, "511702104202", body);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("code").GetString().ShouldBe("invalid_service_centre_rating");
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldBe(fields);
        }

        var tomorrow = ChinaTime.Today().AddDays(1).ToString("yyyy-MM-dd");
        await ShouldBeInvalid(new { rating = "excellent", ratedOn = "2026-10-01", evidence = "评定" }, "rating");
        await ShouldBeInvalid(new { rating = "model", ratedOn = tomorrow, evidence = "明天的检查" }, "ratedOn");
        await ShouldBeInvalid(new { rating = "model", evidence = "没有日期" }, "ratedOn");
        await ShouldBeInvalid(new { rating = "model", ratedOn = "2026-10-01", evidence = "   " }, "evidence");
        await ShouldBeInvalid(new { rating = "model", ratedOn = "2026-10-01", evidence = new string('证', 2001) }, "evidence");

        // Rating is an official's: a township official may read the centre but not rate it.
        using var township = Client(Roles.Township, "511702104");
        (await Rate(township, "511702104202", new { rating = "model", ratedOn = "2026-10-01", evidence = "乡镇自评" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await township.GetAsync("/api/dispatch/villages/511702104202/service-centre")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await CountAsync("SELECT count(*) FROM service_centre_ratings")).ShouldBe(ratings);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ServiceCentreRated'")).ShouldBe(events);
    }
}
