using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Tasks;

public sealed record JointMeetingAgenda(string CountyCode, string Month, int Overdue, int Explained, IReadOnlyList<TaskView> Tasks);

/// <summary>The monthly joint meeting's list (质询说明): a county's overdue tasks of a month, with their owners' explanations.</summary>
public static class JointMeeting
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month")]
    public static async Task<Ok<JointMeetingAgenda>> GetAsync(string county, string month, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var parsed = AssessmentMonth.Parse(month);
        var region = scope.NarrowOrDeny(county, "county");
        if (county.Length != 6)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("county", "invalid_region", "county 须为6位县级区划代码")]).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<TaskRow>(new CommandDefinition(
            $"""
            SELECT {TaskRow.Columns} FROM tasks t
            WHERE t.month = @month AND starts_with(t.county_code, @Prefix)
              AND t.due_on < @today AND (t.completed_on IS NULL OR t.completed_on > t.due_on)
            ORDER BY t.owner_kind, t.owner_id, t.due_on, t.id
            """, new { month = parsed.Text, region.Prefix, today = ChinaTime.Today().ToDateTime(TimeOnly.MinValue) },
            cancellationToken: cancellationToken))).Select(r => r.ToView()).ToList();
        return TypedResults.Ok(new JointMeetingAgenda(county, parsed.Text, rows.Count, rows.Count(r => r.Explanation is not null), rows));
    }
}
