using System.Globalization;
using Assessment.Api.Features.Scoring;
using RankingEntry = Platform.Contracts.Grpc.Assessment.V1.RankingEntry;
using ScoreVersion = Platform.Contracts.Grpc.Assessment.V1.ScoreVersion;
using IndicatorScore = Platform.Contracts.Grpc.Assessment.V1.IndicatorScore;
using SubjectScore = Platform.Contracts.Grpc.Assessment.V1.SubjectScore;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Assessment.V1;
using Platform.Grpc.Server;
using Platform.Security;
using AssessmentContract = Platform.Contracts.Grpc.Assessment.V1.Assessment;

namespace Assessment.Api.Grpc;

/// <summary>assessment.v1.Assessment: converts messages and calls the features' cores (<see cref="Rankings"/>, <see cref="SubjectScores"/>).</summary>
[RegionScoped]
public sealed class AssessmentService(NpgsqlDataSource dataSource) : AssessmentContract.AssessmentBase
{
    public override async Task<Ranking> GetRanking(GetRankingRequest request, ServerCallContext context)
    {
        var view = await Rankings.GetCoreAsync(dataSource, context.GetRegionScope(), request.Month, request.SubjectKind, request.Prefix, context.CancellationToken);
        var message = new Ranking { Month = view.Month, SubjectKind = view.SubjectKind, Prefix = view.Prefix };
        message.Entries.AddRange(view.Entries.Select(e => new RankingEntry
        {
            Rank = e.Rank, SubjectKind = e.SubjectKind, SubjectId = e.SubjectId, SubjectName = e.SubjectName, RegionCode = e.RegionCode, GroupCode = e.GroupCode,
            Total = Text(e.Total), Provisional = e.Provisional, Version = e.Version, RedFlag = e.RedFlag,
        }));
        return message;
    }

    public override async Task<SubjectScore> GetSubjectScore(GetSubjectScoreRequest request, ServerCallContext context)
    {
        var view = await SubjectScores.GetCoreAsync(dataSource, context.GetRegionScope(), request.Month, request.SubjectKind, request.SubjectId,
            request.Version == 0 ? null : request.Version, context.CancellationToken);
        var message = new SubjectScore
        {
            Month = view.Month, SubjectKind = view.SubjectKind, SubjectId = view.SubjectId, SubjectName = view.SubjectName, RegionCode = view.RegionCode,
            GroupCode = view.GroupCode, Version = view.Version, Total = Text(view.Total), Rank = view.Rank ?? 0, Provisional = view.Provisional,
            ModelVersionId = view.ModelVersionId.ToString(), Reason = view.Reason ?? string.Empty,
        };
        message.Indicators.AddRange(view.Indicators.Select(i =>
        {
            var indicator = new IndicatorScore
            {
                Key = i.Key, Name = i.Name, Source = i.Source, Kind = i.Kind, Weight = Text(i.Weight), Target = Text(i.Target), Floor = Text(i.Floor),
                Value = i.Value is { } v ? Text(v) : string.Empty, Points = i.Points is { } p ? Text(p) : string.Empty, Available = i.Available, Note = i.Note,
            };
            indicator.Facts.AddRange(i.Facts.Select(f => new Fact { Id = f.Id.ToString(), Kind = f.Kind, Label = f.Label, Value = Text(f.Value) }));
            return indicator;
        }));
        message.Versions.AddRange(view.Versions.Select(v => new ScoreVersion
        {
            Version = v.Version, Total = Text(v.Total), Provisional = v.Provisional, Reason = v.Reason ?? string.Empty, ModelVersionId = v.ModelVersionId.ToString(),
        }));
        return message;
    }

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
