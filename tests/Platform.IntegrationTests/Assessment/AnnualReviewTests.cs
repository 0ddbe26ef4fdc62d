using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Grpc.Assessment.V1;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// The year's end on the real stack (issue 16 item 6 and the annual rules of item 2): the one-vote veto, the grade and
/// its four values, the bottom share of the city departments' annual ranking, a failed exit check, the review's
/// computed grade, scope on both doors. Each test uses its own year or its own subjects, so their order does not matter.
/// </summary>
public sealed class AnnualReviewTests(AnnualReviewFixture fixture) : IClassFixture<AnnualReviewFixture>
{
    private HttpClient Client(string role, string scope) => fixture.Assessment.CreateClient(TestSettings.Token(role, scope));

    private Task<long> CountAsync(string sql, object? args = null) => fixture.AssessmentDb.ScalarAsync<long>(sql, args);

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        var problem = JsonDocument.Parse(body).RootElement;
        problem.GetProperty("code").GetString().ShouldBe(code, body);
        return problem;
    }

    [Fact]
    public async Task A_vetoed_countys_first_secretary_cannot_be_graded_excellent_nor_marked_for_promotion_while_competent_works()
    {
        var cadre = fixture.Cadres["乙"];
        using var city = Client(Roles.City, "5117");
        using var county = Client(Roles.County, "511703");

        // Only a province or city official sets a target; the county's own official may not.
        using (var refused = await county.PutAsJsonAsync("/api/assessment/annual-targets", new { year = 2026, countyCode = "511703", households = 100, villages = 2 }))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using (var set = await city.PutAsJsonAsync("/api/assessment/annual-targets", new { year = 2026, countyCode = "511703", households = 100, villages = 2 }))
        {
            set.StatusCode.ShouldBe(HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        }

        using (var outcome = await city.PostAsJsonAsync("/api/assessment/annual-targets/2026/511703/outcome", new { householdsExited = 90, villagesExited = 2 }))
        {
            var body = await outcome.Content.ReadFromJsonAsync<JsonElement>();
            outcome.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
            body.GetProperty("target").GetProperty("met").GetBoolean().ShouldBeFalse();
            body.GetProperty("veto").GetProperty("rule").GetString().ShouldBe("veto");
            body.GetProperty("veto").GetProperty("countyName").GetString().ShouldBe("达川区");
            body.GetProperty("veto").GetProperty("reason").GetString()!.ShouldContain("脱贫退出90户，目标100户");
        }

        // Recording the outcome again is refused and vetoes nothing twice.
        await ProblemAsync(await city.PostAsJsonAsync("/api/assessment/annual-targets/2026/511703/outcome", new { householdsExited = 80, villagesExited = 1 }),
            HttpStatusCode.Conflict, "target_outcome_recorded");
        (await CountAsync("SELECT count(*) FROM county_vetoes WHERE year = 2026 AND county_code = '511703'")).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%CountyVetoed' AND payload->>'countyCode' = '511703'")).ShouldBe(1);
        var vetoes = await county.GetFromJsonAsync<JsonElement>("/api/assessment/vetoes?year=2026");
        vetoes.EnumerateArray().Select(v => v.GetProperty("countyCode").GetString()).ShouldBe(["511703"]);

        // 优秀 is refused with a stable code, and so is a promotion mark; nothing is written or published.
        var problem = await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2026/{cadre}/grade", new { grade = "优秀" }),
            HttpStatusCode.Conflict, "county_vetoed");
        problem.GetProperty("title").GetString().ShouldBe("该县本年度被一票否决");
        await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2026/{cadre}/grade", new { grade = "称职", promotion = true }),
            HttpStatusCode.Conflict, "county_vetoed");
        (await CountAsync("SELECT count(*) FROM annual_grades WHERE cadre_id = @cadre", new { cadre })).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AnnualGradeConfirmed' AND payload->>'cadreId' = @id", new { id = cadre.ToString() }))
            .ShouldBe(0);

        // 称职 works, once, and is published for notification.
        using (var confirmed = await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2026/{cadre}/grade", new { grade = "称职" }))
        {
            var grade = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
            confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, grade.ToString());
            grade.GetProperty("grade").GetString().ShouldBe("称职");
            grade.GetProperty("promotion").GetBoolean().ShouldBeFalse();
            grade.GetProperty("countyCode").GetString().ShouldBe("511703");
        }

        await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2026/{cadre}/grade", new { grade = "基本称职" }),
            HttpStatusCode.Conflict, "grade_already_confirmed");
        (await CountAsync("SELECT count(*) FROM annual_grades WHERE cadre_id = @cadre AND grade = '称职'", new { cadre })).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AnnualGradeConfirmed' AND payload->>'cadreId' = @id", new { id = cadre.ToString() }))
            .ShouldBe(1);

        // The export carries the grade under Chinese headers.
        var workbook = await county.GetByteArrayAsync("/api/assessment/annual-grades/xlsx?year=2026");
        using var zip = new ZipArchive(new MemoryStream(workbook));
        var strings = "";
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open());
            strings += await reader.ReadToEndAsync();
        }

        strings.ShouldContain(">确定等次<");
        strings.ShouldContain(">称职<");
    }

    [Fact]
    public async Task A_veto_after_an_excellent_grade_lowers_it_to_competent_and_a_met_target_vetoes_nothing()
    {
        var cadre = fixture.Cadres["甲"];
        await fixture.PostAsync(cadre, 2025);
        using var province = Client(Roles.Province, "51");
        (await province.PutAsJsonAsync("/api/assessment/annual-targets", new { year = 2024, countyCode = "511702", villages = 1 })).EnsureSuccessStatusCode();
        (await province.PostAsJsonAsync("/api/assessment/annual-targets/2024/511702/outcome", new { villagesExited = 1 })).EnsureSuccessStatusCode();
        (await CountAsync("SELECT count(*) FROM county_vetoes WHERE year = 2024")).ShouldBe(0);

        using var county = Client(Roles.County, "511702");
        (await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2025/{cadre}/grade", new { grade = "优秀", promotion = true })).EnsureSuccessStatusCode();
        (await province.PutAsJsonAsync("/api/assessment/annual-targets", new { year = 2025, countyCode = "511702", households = 10, villages = 1 })).EnsureSuccessStatusCode();
        (await province.PostAsJsonAsync("/api/assessment/annual-targets/2025/511702/outcome", new { householdsExited = 10, villagesExited = 0 })).EnsureSuccessStatusCode();

        var review = await county.GetFromJsonAsync<JsonElement>($"/api/assessment/annual-reviews/2025/{cadre}");
        review.GetProperty("countyVetoed").GetBoolean().ShouldBeTrue();
        var grade = review.GetProperty("grade");
        grade.GetProperty("grade").GetString().ShouldBe("称职");
        grade.GetProperty("promotion").GetBoolean().ShouldBeFalse();
        grade.GetProperty("note").GetString()!.ShouldStartWith("一票否决：2025年度减贫目标未完成（退出0个村，目标1个村）");
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AnnualGradeConfirmed' AND payload->>'cadreId' = @id AND (payload->>'year')::int = 2025",
            new { id = cadre.ToString() })).ShouldBe(2);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%CountyVetoed' AND (payload->>'year')::int = 2025 AND (payload->>'gradesLowered')::int = 1"))
            .ShouldBe(1);

        // A target of a year whose outcome is recorded is closed.
        await ProblemAsync(await province.PutAsJsonAsync("/api/assessment/annual-targets", new { year = 2025, countyCode = "511702", villages = 0 }),
            HttpStatusCode.Conflict, "target_outcome_recorded");
    }

    [Fact]
    public async Task A_grade_outside_the_four_is_a_400_on_both_doors_and_nothing_changes()
    {
        var cadre = fixture.Cadres["甲"];
        var before = await CountAsync("SELECT count(*) FROM annual_grades");
        using var county = Client(Roles.County, "511702");
        foreach (var grade in new[] { "良好", "excellent", "" })
        {
            var problem = await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2027/{cadre}/grade", new { grade }),
                HttpStatusCode.BadRequest, "invalid_grade");
            problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("grade");
        }

        using var grpc = new TestGrpcClients(fixture.AssessmentGrpc, TestSettings.Token(Roles.County, "511702"));
        var client = grpc.Get<AnnualReview.AnnualReviewClient>();
        var error = await Should.ThrowAsync<global::Grpc.Core.RpcException>(() =>
            client.ConfirmAnnualGradeAsync(new() { Year = 2027, CadreId = cadre.ToString(), Grade = "良好" }).ResponseAsync);
        error.StatusCode.ShouldBe(global::Grpc.Core.StatusCode.InvalidArgument);
        error.Trailers.GetValue("problem-code").ShouldBe("invalid_grade");
        (await CountAsync("SELECT count(*) FROM annual_grades")).ShouldBe(before);
    }

    [Fact]
    public async Task The_bottom_tenth_of_twelve_city_departments_get_exactly_the_admonishment_proposals_and_a_second_run_adds_none()
    {
        // Twelve departments, C-01 best ... C-12 worst, over three final months (and a provisional month left out).
        for (var i = 1; i <= AnnualReviewFixture.Departments; i++)
        {
            var total = 100m - (i * 3);
            await fixture.MonthlyScoresAsync("assisting_unit", $"C-{i:00}", "511702", "511700000000", ("2024-01", total), ("2024-02", total + 1), ("2024-03", total - 1));
        }

        await fixture.MonthlyScoresAsync("assisting_unit", "U-A", "511702", "511702000000", ("2024-01", 10m));
        using var city = Client(Roles.City, "5117");
        var first = await city.PostAsJsonAsync("/api/assessment/annual-rankings", new { year = 2024, cityCode = "5117" });
        var ranking = await first.Content.ReadFromJsonAsync<JsonElement>();
        first.StatusCode.ShouldBe(HttpStatusCode.OK, ranking.ToString());
        var entries = ranking.GetProperty("entries").EnumerateArray().ToList();
        // Only the city's departments are ranked (a county's unit is not, however low), by the mean of their final months.
        entries.Count.ShouldBe(12);
        entries[0].GetProperty("unitCode").GetString().ShouldBe("C-01");
        entries[0].GetProperty("meanTotal").GetDecimal().ShouldBe(97m);
        entries[0].GetProperty("months").GetInt32().ShouldBe(3);
        // 10% of 12 rounded up: the last two.
        ranking.GetProperty("bottomCount").GetInt32().ShouldBe(2);
        ranking.GetProperty("proposalsMade").GetInt32().ShouldBe(2);
        entries.Where(e => e.GetProperty("bottom").GetBoolean()).Select(e => e.GetProperty("unitCode").GetString()).ShouldBe(["C-11", "C-12"]);

        const string Proposals = "SELECT count(*) FROM accountability_proposals WHERE rule = 'annual_bottom_decile'";
        (await CountAsync(Proposals)).ShouldBe(2);
        (await CountAsync(Proposals + " AND entry_kind = 'admonishment' AND subject_kind = 'unit_head' AND cause_key IN ('C-11:2024', 'C-12:2024')")).ShouldBe(2);
        // The head is named as dispatch knows them.
        (await CountAsync(Proposals + " AND subject_id = 'C-12' AND subject_name = '达州市市直部门12主要负责人负责人12'")).ShouldBe(1);

        var second = await city.PostAsJsonAsync("/api/assessment/annual-rankings", new { year = 2024, cityCode = "5117" });
        var again = await second.Content.ReadFromJsonAsync<JsonElement>();
        second.StatusCode.ShouldBe(HttpStatusCode.OK, again.ToString());
        again.GetProperty("proposalsMade").GetInt32().ShouldBe(0);
        again.GetProperty("bottomCount").GetInt32().ShouldBe(2);
        (await CountAsync(Proposals)).ShouldBe(2);
        (await CountAsync("SELECT count(*) FROM annual_rankings WHERE year = 2024 AND city_code = '5117'")).ShouldBe(12);

        // A county official may not rank the city's departments.
        using var county = Client(Roles.County, "511702");
        (await county.PostAsJsonAsync("/api/assessment/annual-rankings", new { year = 2024, cityCode = "5117" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_failed_exit_check_proposes_one_removal_of_the_dispatching_units_head_and_a_passed_one_none()
    {
        using var county = Client(Roles.County, "511702");
        await ProblemAsync(await county.PostAsJsonAsync("/api/assessment/exit-checks",
            new { year = 2026, villageCode = AnnualReviewFixture.VillageA, result = "failed", evidence = new[] { "验收报告.pdf" } }), HttpStatusCode.NotFound, "exit_plan_not_found");
        using (var plan = await county.PostAsJsonAsync("/api/assessment/exit-plans", new { year = 2026, villageCode = AnnualReviewFixture.VillageA }))
        {
            plan.StatusCode.ShouldBe(HttpStatusCode.Created, await plan.Content.ReadAsStringAsync());
        }

        await ProblemAsync(await county.PostAsJsonAsync("/api/assessment/exit-checks",
            new { year = 2026, villageCode = AnnualReviewFixture.VillageA, result = "failed", evidence = Array.Empty<string>() }), HttpStatusCode.BadRequest, "invalid_exit_check");

        using var failed = await county.PostAsJsonAsync("/api/assessment/exit-checks",
            new { year = 2026, villageCode = AnnualReviewFixture.VillageA, result = "failed", evidence = new[] { "验收报告.pdf" }, note = "饮水安全未达标" });
        var check = await failed.Content.ReadFromJsonAsync<JsonElement>();
        failed.StatusCode.ShouldBe(HttpStatusCode.Created, check.ToString());
        check.GetProperty("responsibleUnitCode").GetString().ShouldBe("U-A");
        var proposal = check.GetProperty("proposalId").GetGuid();
        var checkId = check.GetProperty("id").GetGuid().ToString();
        (await CountAsync("SELECT count(*) FROM accountability_proposals WHERE rule = 'exit_check_failed'")).ShouldBe(1);
        (await CountAsync(
            "SELECT count(*) FROM accountability_proposals WHERE id = @proposal AND cause_key = @checkId AND entry_kind = 'removal_proposal' AND subject_kind = 'unit_head' AND subject_id = 'U-A'",
            new { proposal, checkId })).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM accountability_proposals WHERE id = @proposal AND subject_name = '通川区农业农村局主要负责人王局长'", new { proposal })).ShouldBe(1);

        using var passed = await county.PostAsJsonAsync("/api/assessment/exit-checks",
            new { year = 2026, villageCode = AnnualReviewFixture.VillageA, result = "passed", evidence = new[] { "复验报告.pdf" } });
        passed.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await passed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("proposalId").ValueKind.ShouldBe(JsonValueKind.Null);
        (await CountAsync("SELECT count(*) FROM accountability_proposals WHERE rule = 'exit_check_failed'")).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM village_exit_checks WHERE village_code = @v", new { v = AnnualReviewFixture.VillageA })).ShouldBe(2);
    }

    [Fact]
    public async Task A_county_official_cannot_reach_another_countys_first_secretary_or_village_which_answer_as_missing()
    {
        var other = fixture.Cadres["乙"];
        using var county = Client(Roles.County, "511702");
        var outside = await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2026/{other}/grade", new { grade = "称职" }),
            HttpStatusCode.NotFound, "first_secretary_not_found");
        var missing = await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2026/{Guid.NewGuid()}/grade", new { grade = "称职" }),
            HttpStatusCode.NotFound, "first_secretary_not_found");
        outside.GetProperty("title").GetString().ShouldBe(missing.GetProperty("title").GetString());
        outside.TryGetProperty("detail", out var outsideDetail).ShouldBe(missing.TryGetProperty("detail", out var missingDetail));
        outsideDetail.ToString().ShouldBe(missingDetail.ToString());
        await ProblemAsync(await county.GetAsync($"/api/assessment/annual-reviews/2026/{other}"), HttpStatusCode.NotFound, "first_secretary_not_found");
        await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2026/{other}/scores", new { reviewer = "township", score = 80 }),
            HttpStatusCode.NotFound, "first_secretary_not_found");
        await ProblemAsync(await county.PostAsJsonAsync("/api/assessment/exit-plans", new { year = 2026, villageCode = AnnualReviewFixture.VillageB }),
            HttpStatusCode.NotFound, "village_not_found");
        (await CountAsync("SELECT count(*) FROM annual_review_scores WHERE cadre_id = @other", new { other })).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM village_exit_plans WHERE village_code = @v", new { v = AnnualReviewFixture.VillageB })).ShouldBe(0);

        using var grpc = new TestGrpcClients(fixture.AssessmentGrpc, TestSettings.Token(Roles.County, "511702"));
        var client = grpc.Get<AnnualReview.AnnualReviewClient>();
        (await Should.ThrowAsync<global::Grpc.Core.RpcException>(() => client.GetAnnualReviewAsync(new() { Year = 2026, CadreId = other.ToString() }).ResponseAsync))
            .StatusCode.ShouldBe(global::Grpc.Core.StatusCode.NotFound);
        (await Should.ThrowAsync<global::Grpc.Core.RpcException>(() =>
            client.ConfirmAnnualGradeAsync(new() { Year = 2026, CadreId = other.ToString(), Grade = "称职" }).ResponseAsync)).StatusCode.ShouldBe(global::Grpc.Core.StatusCode.NotFound);
        (await CountAsync("SELECT count(*) FROM annual_grades WHERE cadre_id = @other AND year = 2026 AND confirmed_by = 'test-county-511702'", new { other })).ShouldBe(0);
    }

    [Fact]
    public async Task The_review_computes_the_grade_from_the_months_and_the_three_reviews_and_grpc_reads_it()
    {
        var cadre = fixture.Cadres["甲"];
        await fixture.MonthlyScoresAsync("first_secretary", cadre.ToString(), "511702", AnnualReviewFixture.VillageA, ("2023-01", 90m), ("2023-02", 80m));
        await fixture.PostAsync(cadre, 2023);

        // The cadre submits their own report; another cadre may not.
        using var other = Client(Roles.Cadre, "511703");
        using var self = fixture.Assessment.CreateClient(TestSettings.Token(Roles.Cadre, "511702", subject: cadre.ToString()));
        (await other.PostAsJsonAsync($"/api/assessment/annual-reviews/2023/{cadre}/report", new { text = "代写" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await self.PostAsJsonAsync($"/api/assessment/annual-reviews/2023/{cadre}/report", new { text = "2023年度述职报告：完成村集体经济增收。" })).EnsureSuccessStatusCode();

        using var county = Client(Roles.County, "511702");
        using var township = Client(Roles.Township, "511702104");
        (await township.PostAsJsonAsync($"/api/assessment/annual-reviews/2023/{cadre}/scores", new { reviewer = "township", score = 90 })).EnsureSuccessStatusCode();
        (await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2023/{cadre}/scores", new { reviewer = "unit", score = 80 })).EnsureSuccessStatusCode();
        await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2023/{cadre}/scores", new { reviewer = "unit", score = 70 }),
            HttpStatusCode.Conflict, "review_already_scored");
        await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2023/{cadre}/scores", new { reviewer = "villagers", score = 101 }),
            HttpStatusCode.BadRequest, "invalid_review_score");
        var review = await (await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2023/{cadre}/scores", new { reviewer = "villagers", score = 70 }))
            .Content.ReadFromJsonAsync<JsonElement>();

        // Months: (90 + 80) / 2 = 85; review: 90×0.4 + 80×0.3 + 70×0.3 = 81; annual: 85×0.6 + 81×0.4 = 83.4 → 称职 (75 to 90).
        review.GetProperty("monthsScored").GetInt32().ShouldBe(2);
        review.GetProperty("monthlyMean").GetDecimal().ShouldBe(85m);
        review.GetProperty("reviewScore").GetDecimal().ShouldBe(81m);
        review.GetProperty("computedScore").GetDecimal().ShouldBe(83.4m);
        review.GetProperty("computedGrade").GetString().ShouldBe("称职");
        review.GetProperty("report").GetProperty("submittedBy").GetString().ShouldBe(cadre.ToString());

        using var grpc = new TestGrpcClients(fixture.AssessmentGrpc, TestSettings.Token(Roles.County, "511702"));
        var client = grpc.Get<AnnualReview.AnnualReviewClient>();
        var record = await client.GetAnnualReviewAsync(new() { Year = 2023, CadreId = cadre.ToString() });
        record.ComputedGrade.ShouldBe("称职");
        record.Scores.Count.ShouldBe(3);
        record.HasReport.ShouldBeTrue();
        var grade = await client.ConfirmAnnualGradeAsync(new() { Year = 2023, CadreId = cadre.ToString(), Grade = "优秀", Promotion = true, Note = "驻村成效突出" });
        grade.Grade.ShouldBe("优秀");
        grade.ComputedGrade.ShouldBe("称职");
        (await client.ListAnnualGradesAsync(new() { Year = 2023 })).Grades.Select(g => g.CadreId).ShouldBe([cadre.ToString()]);
        // Scores after the grade are refused.
        await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/annual-reviews/2023/{cadre}/scores", new { reviewer = "township", score = 10 }),
            HttpStatusCode.Conflict, "grade_already_confirmed");
    }
}
