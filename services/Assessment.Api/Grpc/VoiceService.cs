using System.Globalization;
using Assessment.Api.Features.Complaints;
using Assessment.Api.Features.Satisfaction;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Assessment.V1;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;
using ComplaintCountsMessage = Platform.Contracts.Grpc.Assessment.V1.ComplaintCounts;
using ComplaintPageMessage = Platform.Contracts.Grpc.Assessment.V1.ComplaintPage;
using MonthlySatisfactionMessage = Platform.Contracts.Grpc.Assessment.V1.MonthlySatisfaction;
using SatisfactionTally = Assessment.Api.Features.Satisfaction.SatisfactionTally;
using VoiceContract = Platform.Contracts.Grpc.Assessment.V1.Voice;

namespace Assessment.Api.Grpc;

/// <summary>
/// assessment.v1.Voice: converts messages and calls the features' cores (<see cref="QueryComplaints"/>, <see cref="ComplaintCounts"/>,
/// <see cref="Surveys"/>, <see cref="MonthlySatisfaction"/>).
/// </summary>
[RegionScoped]
public sealed class VoiceService(NpgsqlDataSource dataSource, PersonalDataProtector protector, TimeProvider clock) : VoiceContract.VoiceBase
{
    public override async Task<Complaint> GetComplaint(GetComplaintRequest request, ServerCallContext context) =>
        ToMessage(await QueryComplaints.GetCoreAsync(dataSource, protector, clock, context.GetRegionScope(), context.GetUser(),
            ParseId(request.ComplaintId, "complaint_id", "complaint_not_found", "未找到该诉求"), context.CancellationToken));

    public override async Task<ComplaintPageMessage> ListComplaints(ListComplaintsRequest request, ServerCallContext context)
    {
        Guid? after = null;
        if (request.After.Length > 0)
        {
            after = Guid.TryParse(request.After, out var parsed)
                ? parsed
                : throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("after", "invalid_after", "after 须为上一页的 next")]).ToException();
        }

        var page = await QueryComplaints.ListCoreAsync(dataSource, protector, clock, context.GetRegionScope(), context.GetUser(), Empty(request.Prefix),
            Empty(request.Status), after, request.Limit == 0 ? null : request.Limit, context.CancellationToken);
        var message = new ComplaintPageMessage { Next = page.Next?.ToString() ?? string.Empty };
        message.Items.AddRange(page.Items.Select(ToMessage));
        return message;
    }

    public override async Task<ComplaintCountsMessage> GetComplaintCounts(GetComplaintCountsRequest request, ServerCallContext context)
    {
        var view = await Features.Complaints.ComplaintCounts.GetCoreAsync(dataSource, clock, context.GetRegionScope(), request.Year == 0 ? null : request.Year, Empty(request.Prefix), context.CancellationToken);
        var message = new ComplaintCountsMessage { Year = view.Year, Prefix = view.Prefix, Received = view.Received, Solved = view.Solved, Late = view.Late };
        message.Counties.AddRange(view.Counties.Select(c => new Platform.Contracts.Grpc.Assessment.V1.CountyComplaintCount
        {
            CountyCode = c.CountyCode, CountyName = c.CountyName, Received = c.Received, Solved = c.Solved, Late = c.Late, Summary = c.Summary,
        }));
        return message;
    }

    public override async Task<Survey> GetSurvey(GetSurveyRequest request, ServerCallContext context)
    {
        var view = await Surveys.GetCoreAsync(dataSource, context.GetRegionScope(),
            ParseId(request.SurveyId, "survey_id", "survey_not_found", "未找到该满意度测评"), context.CancellationToken);
        return new Survey
        {
            Id = view.Id.ToString(), VillageCode = view.VillageCode, SubjectKind = view.SubjectKind, SubjectId = view.SubjectId, SubjectName = view.SubjectName,
            SubjectRegionCode = view.SubjectRegionCode, Title = view.Title, OpenedAt = Time(view.OpenedAt), ClosedAt = Time(view.ClosedAt),
            Tally = ToMessage(view.Tally),
        };
    }

    public override async Task<MonthlySatisfactionMessage> GetMonthlySatisfaction(GetMonthlySatisfactionRequest request, ServerCallContext context)
    {
        var view = await Features.Satisfaction.MonthlySatisfaction.GetCoreAsync(dataSource, context.GetRegionScope(), request.Month, Empty(request.Prefix),
            context.CancellationToken);
        var message = new MonthlySatisfactionMessage { Month = view.Month, Prefix = view.Prefix };
        message.Subjects.AddRange(view.Subjects.Select(s => new Platform.Contracts.Grpc.Assessment.V1.SubjectSatisfaction
        {
            SubjectKind = s.SubjectKind, SubjectId = s.SubjectId, SubjectName = s.SubjectName, SubjectRegionCode = s.SubjectRegionCode, Surveys = s.Surveys,
            Tally = ToMessage(s.Tally),
        }));
        return message;
    }

    private static Complaint ToMessage(ComplaintView c)
    {
        var message = new Complaint
        {
            Id = c.Id.ToString(), SubjectKind = c.SubjectKind, SubjectId = c.SubjectId, SubjectName = c.SubjectName, RegionCode = c.RegionCode, Channel = c.Channel,
            Content = c.Content, ComplainantName = c.ComplainantName, ComplainantPhone = c.ComplainantPhone ?? string.Empty, ReceivedAt = Time(c.ReceivedAt),
            ReplyBy = Time(c.ReplyBy), Status = c.Status, Late = c.Late, Verdict = c.Verdict ?? string.Empty, ClosedAt = Time(c.ClosedAt),
        };
        message.Replies.AddRange(c.Replies.Select(r => new ComplaintReply
        {
            Id = r.Id.ToString(), Text = r.Text, RepliedBy = r.RepliedBy, RepliedAt = Time(r.RepliedAt), Late = r.Late,
        }));
        return message;
    }

    private static Platform.Contracts.Grpc.Assessment.V1.SatisfactionTally ToMessage(SatisfactionTally t) => new()
    {
        Responses = t.Responses, Satisfied = t.Satisfied, BasicallySatisfied = t.BasicallySatisfied, Unsatisfied = t.Unsatisfied,
        ShareSatisfied = t.ShareSatisfied?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, Score = t.Score?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
    };

    /// <summary>An id that is not a UUID names nothing: it answers as a missing record, as REST's route does not match it.</summary>
    private static Guid ParseId(string text, string field, string notFoundCode, string message) =>
        Guid.TryParse(text, out var id) ? id : throw ApiProblems.NotFound(notFoundCode, message).ToException(message);

    private static string? Empty(string text) => text.Length == 0 ? null : text;

    private static string Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) ?? string.Empty;
}
