using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Grpc.Assessment.V1;
using Platform.IntegrationTests.Infrastructure;
using Platform.Scheduling;
using Platform.Security;
using static Platform.IntegrationTests.Assessment.VoiceFixture;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// Issue 16, item 5: satisfaction surveys (群众满意度) on the real stack, and the rule that proposes a talk (约谈) below the
/// year's threshold (70% by the default model) with at least ten responses. Each test surveys its own subject.
/// </summary>
public sealed class SatisfactionTests(VoiceFixture fixture) : IClassFixture<VoiceFixture>
{
    private static async Task<Guid> OpenAsync(HttpClient client, string subjectKind, string? subjectId, string village = VoiceFixture.VillageA) =>
        (await OkAsync(await client.PostAsJsonAsync("/api/assessment/surveys", new { villageCode = village, subjectKind, subjectId }), HttpStatusCode.Created))
        .GetProperty("id").GetGuid();

    /// <summary><paramref name="satisfied"/> responses of 满意 or 基本满意 (alternating) and the rest 不满意, collected by an official.</summary>
    private static async Task RateAsync(HttpClient client, Guid survey, int satisfied, int total)
    {
        for (var i = 0; i < total; i++)
        {
            var rating = i >= satisfied ? "unsatisfied" : i % 2 == 0 ? "satisfied" : "basically_satisfied";
            await OkAsync(await client.PostAsJsonAsync($"/api/assessment/surveys/{survey}/responses", new { rating, collectedVia = "official" }), HttpStatusCode.Created);
        }
    }

    private Task<long> ProposalsAsync(string subjectKind, string subjectId) =>
        fixture.CountAsync("SELECT count(*) FROM accountability_proposals WHERE rule = 'satisfaction_below_threshold' AND subject_kind = @subjectKind AND subject_id = @subjectId",
            new { subjectKind, subjectId });

    private string Month => ChinaTime.DayOf(fixture.AssessmentClock.GetUtcNow()).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The monthly review of this month, run by hand as the job's occurrence on the first of the next.</summary>
    private async Task ReviewMonthAsync()
    {
        var day = ChinaTime.DayOf(fixture.AssessmentClock.GetUtcNow());
        var first = new DateOnly(day.Year, day.Month, 1).AddMonths(1);
        var occurrence = new DateTimeOffset(first.Year, first.Month, 1, 0, 30, 0, ChinaTime.Offset);
        await fixture.Assessment.Services.GetRequiredService<ScheduledJobRunner>().RunAsync("satisfaction-review", occurrence, CancellationToken.None);
    }

    [Fact]
    public async Task Satisfaction_of_65_percent_proposes_exactly_one_talk()
    {
        using var county = fixture.Client();
        var survey = await OpenAsync(county, "work_team", null);
        await RateAsync(county, survey, satisfied: 13, total: 20);

        var closed = await OkAsync(await county.PostAsJsonAsync($"/api/assessment/surveys/{survey}/close", new { }));
        closed.GetProperty("tally").GetProperty("responses").GetInt32().ShouldBe(20);
        closed.GetProperty("tally").GetProperty("shareSatisfied").GetDecimal().ShouldBe(0.65m);
        closed.GetProperty("talkProposalId").ValueKind.ShouldBe(JsonValueKind.String);
        (await ProposalsAsync("work_team", VoiceFixture.VillageA)).ShouldBe(1);
        var proposal = await fixture.AssessmentDb.ScalarAsync<string>(
            "SELECT entry_kind || '|' || cause_key || '|' || subject_name || '|' || region_code FROM accountability_proposals WHERE rule = 'satisfaction_below_threshold' AND subject_id = @id",
            new { id = VoiceFixture.VillageA });
        proposal.ShouldBe($"talk|work_team:{VoiceFixture.VillageA}:{Month}|青杠村驻村工作队|{VoiceFixture.VillageA}");
        (await fixture.CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AccountabilityProposed' AND payload->>'subjectId' = @id",
            new { id = VoiceFixture.VillageA })).ShouldBe(1);

        // Closing twice is refused; the month's review, twice, proposes nothing more (the same subject and month).
        (await OkAsync(await county.PostAsJsonAsync($"/api/assessment/surveys/{survey}/close", new { }), HttpStatusCode.Conflict)).GetProperty("code").GetString()
            .ShouldBe("survey_closed");
        await ReviewMonthAsync();
        await ReviewMonthAsync();
        (await ProposalsAsync("work_team", VoiceFixture.VillageA)).ShouldBe(1);

        var month = await county.GetFromJsonAsync<JsonElement>($"/api/assessment/satisfaction/{Month}");
        var team = month.GetProperty("subjects").EnumerateArray().Single(s => s.GetProperty("subjectId").GetString() == VoiceFixture.VillageA);
        team.GetProperty("tally").GetProperty("unsatisfied").GetInt32().ShouldBe(7);
    }

    [Fact]
    public async Task Satisfaction_of_75_percent_proposes_none()
    {
        using var county = fixture.Client();
        var cadre = fixture.Cadres["甲"].ToString();
        var survey = await OpenAsync(county, "cadre", cadre);
        await RateAsync(county, survey, satisfied: 15, total: 20);
        var closed = await OkAsync(await county.PostAsJsonAsync($"/api/assessment/surveys/{survey}/close", new { }));
        closed.GetProperty("tally").GetProperty("shareSatisfied").GetDecimal().ShouldBe(0.75m);
        closed.GetProperty("talkProposalId").ValueKind.ShouldBe(JsonValueKind.Null);
        await ReviewMonthAsync();
        (await ProposalsAsync("cadre", cadre)).ShouldBe(0);

        // Through gRPC with the generated client: the subject's month.
        using var grpc = new TestGrpcClients(fixture.AssessmentGrpc, TestSettings.Token(Roles.County, "511702"));
        var voice = grpc.Get<Voice.VoiceClient>();
        var month = await voice.GetMonthlySatisfactionAsync(new GetMonthlySatisfactionRequest { Month = Month });
        var subject = month.Subjects.Single(s => s.SubjectId == cadre);
        subject.SubjectName.ShouldBe("甲");
        subject.Tally.Responses.ShouldBe(20);
        subject.Tally.ShareSatisfied.ShouldBe("0.75");
        var one = await voice.GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.ToString() });
        one.ClosedAt.ShouldNotBeEmpty();
        one.Tally.Satisfied.ShouldBe(8);
        one.Tally.BasicallySatisfied.ShouldBe(7);
    }

    [Fact]
    public async Task Responses_keep_the_phone_s_time_are_idempotent_by_its_id_and_closed_or_outside_surveys_take_none()
    {
        using var county = fixture.Client();
        var survey = await OpenAsync(county, "assisting_unit", "U-A");
        var clientAt = fixture.AssessmentClock.GetUtcNow().AddMinutes(-30);
        var body = new { rating = "satisfied", collectedVia = "phone", clientId = "phone-1", clientAt, comment = "修了路" };
        var first = await OkAsync(await county.PostAsJsonAsync($"/api/assessment/surveys/{survey}/responses", body), HttpStatusCode.Created);
        first.GetProperty("clientAt").GetDateTimeOffset().ShouldBe(clientAt);
        first.GetProperty("receivedAt").GetDateTimeOffset().ShouldBeGreaterThan(clientAt);
        var again = await OkAsync(await county.PostAsJsonAsync($"/api/assessment/surveys/{survey}/responses", body));
        again.GetProperty("id").GetGuid().ShouldBe(first.GetProperty("id").GetGuid());
        (await fixture.CountAsync("SELECT count(*) FROM satisfaction_responses WHERE survey_id = @survey", new { survey })).ShouldBe(1);

        // A phone's response without its id or time, an unknown rating: 400.
        (await OkAsync(await county.PostAsJsonAsync($"/api/assessment/surveys/{survey}/responses", new { rating = "satisfied", collectedVia = "phone" }),
            HttpStatusCode.BadRequest)).GetProperty("code").GetString().ShouldBe("invalid_response");
        (await OkAsync(await county.PostAsJsonAsync($"/api/assessment/surveys/{survey}/responses", new { rating = "great", collectedVia = "official" }),
            HttpStatusCode.BadRequest)).GetProperty("code").GetString().ShouldBe("invalid_response");

        // Too few responses for the rule: closing proposes nothing, however low.
        await OkAsync(await county.PostAsJsonAsync($"/api/assessment/surveys/{survey}/close", new { }));
        (await ProposalsAsync("assisting_unit", "U-A")).ShouldBe(0);
        (await OkAsync(await county.PostAsJsonAsync($"/api/assessment/surveys/{survey}/responses", new { rating = "unsatisfied", collectedVia = "official" }),
            HttpStatusCode.Conflict)).GetProperty("code").GetString().ShouldBe("survey_closed");

        // Another county's survey is missing to this caller; a village outside the scope too; a force not serving the village is a 400.
        using var far = fixture.Client(Roles.County, "511703");
        var theirs = await OpenAsync(far, "work_team", null, VoiceFixture.VillageB);
        (await OkAsync(await county.PostAsJsonAsync($"/api/assessment/surveys/{theirs}/responses", new { rating = "unsatisfied", collectedVia = "official" }),
            HttpStatusCode.NotFound)).GetProperty("code").GetString().ShouldBe("survey_not_found");
        (await OkAsync(await county.GetAsync($"/api/assessment/surveys/{theirs}"), HttpStatusCode.NotFound)).GetProperty("code").GetString().ShouldBe("survey_not_found");
        (await fixture.CountAsync("SELECT count(*) FROM satisfaction_responses WHERE survey_id = @theirs", new { theirs })).ShouldBe(0);
        (await OkAsync(await county.PostAsJsonAsync("/api/assessment/surveys", new { villageCode = VoiceFixture.VillageB, subjectKind = "work_team" }),
            HttpStatusCode.NotFound)).GetProperty("code").GetString().ShouldBe("village_not_found");
        var notServing = await OkAsync(await county.PostAsJsonAsync("/api/assessment/surveys",
            new { villageCode = VoiceFixture.VillageA, subjectKind = "cadre", subjectId = fixture.Cadres["乙"].ToString() }), HttpStatusCode.BadRequest);
        notServing.GetProperty("code").GetString().ShouldBe("invalid_survey");
        notServing.GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("not_serving");
    }
}
