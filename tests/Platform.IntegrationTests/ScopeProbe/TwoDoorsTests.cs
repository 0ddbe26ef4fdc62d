using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Contracts.Grpc.Funds.V1;
using Platform.Contracts.Grpc.Notification.V1;
using Platform.Contracts.Grpc.Assessment.V1;
using Platform.Contracts.Grpc.Pairing.V1;
using AccountabilityService = Platform.Contracts.Grpc.Assessment.V1.Accountability;
using AssessmentService = Platform.Contracts.Grpc.Assessment.V1.Assessment;

namespace Platform.IntegrationTests.ScopeProbe;

/// <summary>
/// Issue 13, item 3: every gRPC method and its REST twin apply the same scope rule and give the same answer (status and
/// problem code) to every caller of the probe, for the records of both counties. Every published method is either
/// paired with its twin here or listed with the reason it has none, so a new method must be placed.
/// </summary>
[Collection(ScopeProbeCollection.Name)]
public sealed class TwoDoorsTests(ScopeProbeFixture fixture)
{
    private sealed record Twin(string Service, Func<ProbeCounty, IMessage> Request, string RestService, Func<ProbeCounty, string> RestPath);

    private static readonly Dictionary<string, Twin> Twins = new(StringComparer.Ordinal)
    {
        ["dispatch.v1.VillageRegistry/GetVillage"] = new("dispatch", c => new GetVillageRequest { Code = c.Village }, "dispatch", c => $"/api/dispatch/villages/{c.Village}"),
        ["dispatch.v1.VillageRegistry/ListVillages"] = new("dispatch", c => new ListVillagesRequest { Prefix = c.Prefix }, "dispatch", c => $"/api/dispatch/villages?prefix={c.Prefix}"),
        // The registry's names under a prefix: the villages' prefix rule (narrowed to the scope, refused outside it).
        ["dispatch.v1.VillageRegistry/ListRegions"] = new("dispatch", c => new ListRegionsRequest { Prefix = c.Prefix }, "dispatch", c => $"/api/dispatch/villages?prefix={c.Prefix}"),
        ["dispatch.v1.Personnel/ListUnits"] = new("dispatch", c => new ListUnitsRequest { Prefix = c.Prefix }, "dispatch", c => $"/api/dispatch/units?prefix={c.Prefix}"),
        ["dispatch.v1.Personnel/GetCadre"] = new("dispatch", c => new GetCadreRequest { CadreId = c.ResidentCadre.ToString() }, "dispatch", c => $"/api/dispatch/cadres/{c.ResidentCadre}"),
        // The post of a cadre is found by the cadre's scope, as the cadre is.
        ["dispatch.v1.Personnel/GetCadrePost"] = new("dispatch", c => new GetCadrePostRequest { CadreId = c.ResidentCadre.ToString() }, "dispatch",
            c => $"/api/dispatch/cadres/{c.ResidentCadre}"),
        ["dispatch.v1.Personnel/GetUnit"] = new("dispatch", c => new GetUnitRequest { Code = c.UnitCode }, "dispatch", c => $"/api/dispatch/units/{c.UnitCode}"),
        ["dispatch.v1.Personnel/GetVillageForces"] = new("dispatch", c => new GetVillageForcesRequest { VillageCode = c.Village }, "dispatch",
            c => $"/api/dispatch/villages/{c.Village}/forces"),
        ["dispatch.v1.Personnel/GetMonthlyAttendance"] = new("dispatch", c => new GetMonthlyAttendanceRequest { Prefix = c.Prefix, Month = "2026-11" }, "dispatch",
            c => $"/api/dispatch/attendance/monthly?prefix={c.Prefix}&month=2026-11"),
        // The morning reminder's list has no REST endpoint; its prefix rule is the monthly attendance's.
        ["dispatch.v1.Personnel/ListMissingCheckIns"] = new("dispatch", c => new ListMissingCheckInsRequest { Prefix = c.Prefix, OnDate = "2026-11-20" }, "dispatch",
            c => $"/api/dispatch/attendance/monthly?prefix={c.Prefix}&month=2026-11"),
        ["pairing.v1.Pairing/GetHouseholdHelpers"] = new("pairing", c => new GetHouseholdHelpersRequest { HouseholdId = c.Household.ToString() }, "pairing",
            c => $"/api/pairing/households/{c.Household}"),
        ["pairing.v1.Pairing/GetCompliance"] = new("pairing", c => new GetComplianceRequest { Prefix = c.Prefix, Month = "2026-11" }, "pairing",
            c => $"/api/pairing/compliance?prefix={c.Prefix}&month=2026-11"),
        ["pairing.v1.Pairing/ListUncontactedHouseholds"] = new("pairing", c => new ListUncontactedHouseholdsRequest { Prefix = c.Prefix }, "pairing",
            c => $"/api/pairing/compliance?prefix={c.Prefix}&month=2026-11"),
        ["pairing.v1.Pairing/ListVillageHelperCoverage"] = new("pairing", c => new ListVillageHelperCoverageRequest { Prefix = c.Prefix }, "pairing",
            c => $"/api/pairing/gaps?prefix={c.Prefix}"),
        ["assessment.v1.Assessment/GetRanking"] = new("assessment", c => new GetRankingRequest { Month = "2026-10", SubjectKind = "township", Prefix = c.Prefix },
            "assessment", c => $"/api/assessment/rankings/2026-10/township?prefix={c.Prefix}"),
        ["assessment.v1.Assessment/GetSubjectScore"] = new("assessment", c => new GetSubjectScoreRequest { Month = "2026-10", SubjectKind = "county", SubjectId = c.Prefix },
            "assessment", c => $"/api/assessment/scores/2026-10/county/{c.Prefix}"),
        ["assessment.v1.Accountability/GetEntry"] = new("assessment", c => new GetAccountabilityEntryRequest { Id = c.AccountabilityEntry.ToString() },
            "assessment", c => $"/api/assessment/accountability/entries/{c.AccountabilityEntry}"),
        ["assessment.v1.Accountability/ListEntries"] = new("assessment", c => new ListAccountabilityEntriesRequest { Prefix = c.Prefix },
            "assessment", c => $"/api/assessment/accountability/entries?prefix={c.Prefix}"),
        ["assessment.v1.Accountability/ListProposals"] = new("assessment", c => new ListAccountabilityProposalsRequest { Prefix = c.Prefix },
            "assessment", c => $"/api/assessment/accountability/proposals?prefix={c.Prefix}"),
        ["assessment.v1.Accountability/ListConductRules"] = new("assessment", _ => new ListConductRulesRequest(), "assessment",
            _ => "/api/assessment/accountability/conduct-rules"),
        ["assessment.v1.Voice/GetComplaint"] = new("assessment", c => new GetComplaintRequest { ComplaintId = c.Complaint.ToString() }, "assessment",
            c => $"/api/assessment/complaints/{c.Complaint}"),
        ["assessment.v1.Voice/ListComplaints"] = new("assessment", c => new ListComplaintsRequest { Prefix = c.Prefix }, "assessment",
            c => $"/api/assessment/complaints?prefix={c.Prefix}"),
        ["assessment.v1.Voice/GetComplaintCounts"] = new("assessment", c => new GetComplaintCountsRequest { Year = 2026, Prefix = c.Prefix }, "assessment",
            c => $"/api/assessment/complaints/counts?year=2026&prefix={c.Prefix}"),
        ["assessment.v1.Voice/GetSurvey"] = new("assessment", c => new GetSurveyRequest { SurveyId = c.Survey.ToString() }, "assessment",
            c => $"/api/assessment/surveys/{c.Survey}"),
        ["assessment.v1.Voice/GetMonthlySatisfaction"] = new("assessment", c => new GetMonthlySatisfactionRequest { Month = "2026-11", Prefix = c.Prefix }, "assessment",
            c => $"/api/assessment/satisfaction/2026-11?prefix={c.Prefix}"),
        ["assessment.v1.AnnualReview/GetAnnualReview"] = new("assessment", c => new GetAnnualReviewRequest { Year = 2027, CadreId = c.ResidentCadre.ToString() },
            "assessment", c => $"/api/assessment/annual-reviews/2027/{c.ResidentCadre}"),
        ["assessment.v1.AnnualReview/ListAnnualGrades"] = new("assessment", c => new ListAnnualGradesRequest { Year = 2027, Prefix = c.Prefix },
            "assessment", c => $"/api/assessment/annual-grades?year=2027&prefix={c.Prefix}"),
        ["funds.v1.FundsLedger/ListBalances"] = new("funds", c => new ListBalancesRequest { Prefix = c.Prefix }, "funds", c => $"/api/funds/accounts?prefix={c.Prefix}"),
        ["funds.v1.FundsLedger/GetVillageStatement"] = new("funds", c => new GetVillageStatementRequest { VillageCode = c.Village }, "funds",
            c => $"/api/funds/villages/{c.Village}/statement"),
        ["funds.v1.FundsLedger/GetDisbursement"] = new("funds", c => new GetDisbursementRequest { Id = c.FundsDisbursement.ToString() }, "funds",
            c => $"/api/funds/disbursements/{c.FundsDisbursement}"),
        ["notification.v1.Notifications/GetDeliveryStatus"] = new("notification", c => new GetDeliveryStatusRequest { NotificationId = c.Notification.ToString() },
            "notification", c => $"/api/notification/notifications/{c.Notification}"),
    };

    private static readonly Dictionary<string, string> NoTwin = new(StringComparer.Ordinal)
    {
        ["pairing.v1.Pairing/ListHelperHouseholds"] =
            "REST has no endpoint for one helper's households; the cadre is found by its unit's region as GetCadre finds it (checked by the scope probe)",
        ["dispatch.v1.Personnel/GetCadres"] =
            "many GetCadre at once for pairing's bulk imports; each id answers as GET /api/dispatch/cadres/{id} (missing and out of scope are left out alike); checked by the scope probe",
        ["assessment.v1.Accountability/RecordEntry"] = "a write: the core of POST /api/assessment/accountability/entries; checked by the scope probe",
        ["assessment.v1.Accountability/WithdrawEntry"] = "a write: the core of POST /api/assessment/accountability/entries/{id}/withdrawal; checked by the scope probe",
        ["assessment.v1.Accountability/ConfirmProposal"] = "a write: the core of POST /api/assessment/accountability/proposals/{id}/confirmation; checked by the scope probe",
        ["assessment.v1.Accountability/RejectProposal"] = "a write: the core of POST /api/assessment/accountability/proposals/{id}/rejection; checked by the scope probe",
        ["assessment.v1.AnnualReview/ConfirmAnnualGrade"] =
            "a write: its REST door POST /api/assessment/annual-reviews/{year}/{cadreId}/grade calls the same core (AnnualGrades.ConfirmCoreAsync); scope checked by the scope probe and AnnualReviewTests",
        ["notification.v1.Notifications/SendNotification"] = "served over gRPC only (people are told by rules, not by a REST call); checked by the scope probe",
    };

    private static readonly ServiceDescriptor[] Published =
        [VillageRegistry.Descriptor, Personnel.Descriptor, Pairing.Descriptor, Notifications.Descriptor, AssessmentService.Descriptor, AccountabilityService.Descriptor, Voice.Descriptor,
            AnnualReview.Descriptor, FundsLedger.Descriptor];

    [Fact]
    public void Every_published_method_has_its_rest_twin_or_says_why_not()
    {
        var methods = Published.SelectMany(s => s.Methods).Select(m => $"{m.Service.FullName}/{m.Name}").ToList();
        methods.Where(m => !Twins.ContainsKey(m) && !NoTwin.ContainsKey(m)).ShouldBeEmpty("gRPC methods neither paired with a REST twin nor listed with the reason they have none");
        Twins.Keys.Concat(NoTwin.Keys).Where(k => !methods.Contains(k)).ShouldBeEmpty("twins of methods that no longer exist");
    }

    [Fact]
    public async Task Both_doors_answer_every_caller_alike_for_both_counties()
    {
        var disagreements = new List<string>();
        var compared = 0;
        var channels = fixture.Grpc.ToDictionary(g => g.Key, g => GrpcChannel.ForAddress(g.Value));
        try
        {
            foreach (var caller in ProbeCaller.All(fixture))
            {
                var token = caller.Token;
                foreach (var county in new[] { fixture.Near, fixture.Far })
                {
                    foreach (var (name, twin) in Twins)
                    {
                        var method = Published.SelectMany(s => s.Methods).Single(m => $"{m.Service.FullName}/{m.Name}" == name);
                        var grpc = await GrpcOperations.CallAsync(channels[twin.Service], new GrpcProbeRequest(twin.Service, method, twin.Request(county)), token,
                            CancellationToken.None);
                        using var client = new HttpClient { BaseAddress = fixture.Rest[twin.RestService] };
                        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
                        using var response = await client.GetAsync(twin.RestPath(county));
                        var body = await response.Content.ReadAsStringAsync();
                        var restCode = response.IsSuccessStatusCode ? null : JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
                        compared++;
                        var expected = StatusOf(response.StatusCode);
                        if (grpc.Status != expected || (grpc.Status is not (StatusCode.OK or StatusCode.Unauthenticated) && grpc.ProblemCode != restCode))
                        {
                            disagreements.Add($"{caller.Name}, {county.Name}: {name} {grpc.Status} {grpc.ProblemCode} but GET {twin.RestPath(county)} {(int)response.StatusCode} {restCode}");
                        }
                    }
                }
            }
        }
        finally
        {
            foreach (var channel in channels.Values)
            {
                channel.Dispose();
            }
        }

        compared.ShouldBeGreaterThan(300);
        disagreements.ShouldBeEmpty();
    }

    /// <summary>The gRPC status that means what the REST status means (docs/problems.md).</summary>
    private static StatusCode StatusOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.OK => StatusCode.OK,
        HttpStatusCode.BadRequest => StatusCode.InvalidArgument,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.NotFound,
        HttpStatusCode.Conflict => StatusCode.FailedPrecondition,
        _ => StatusCode.Unknown,
    };
}
