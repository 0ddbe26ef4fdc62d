using Dapper;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// The stack (<see cref="AssessmentStack"/>) for the year's end: the two counties of one city, 甲 first secretary in 通川区
/// (511702) dispatched by 通川区农业农村局 (U-A, which also assists the village), 乙 in 达川区 (511703) dispatched by U-B,
/// and twelve city departments (C-01 to C-12, level 市) for the annual ranking.
/// </summary>
public sealed class AnnualReviewFixture() : AssessmentStack("annual")
{
    public const string VillageA = "511702104201";
    public const string VillageB = "511703105201";
    public const int Departments = 12;

    protected override async Task SeedAsync()
    {
        using var province = DispatchClient(Roles.Province, "51");
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).EnsureSuccessStatusCode();
        var departments = string.Concat(Enumerable.Range(1, Departments).Select(i => $"C-{i:00},达州市市直部门{i:00},市,511700000000,负责人{i:00},20\n"));
        await ImportPeopleAsync(province, "U-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\n" + departments,
            [("甲", "U-A"), ("乙", "U-B")], "1986060");
        Assignments["甲"] = await AssignAsync(province, new { villageCode = VillageA, force = "first_secretary", cadreId = Cadres["甲"], startsOn = "2026-01-01" });
        Assignments["乙"] = await AssignAsync(province, new { villageCode = VillageB, force = "first_secretary", cadreId = Cadres["乙"], startsOn = "2026-01-01" });
        await AssignAsync(province, new { villageCode = VillageA, force = "assisting_unit", unitCode = "U-A", startsOn = "2026-01-01" });
        await Eventually.HoldsAsync(async () => await AssessmentDb.ScalarAsync<long>("SELECT count(*) FROM assignments") == 3,
            "assessment learned the 3 assignments from dispatch's events");
    }

    /// <summary>
    /// 甲's post as first secretary of 青杠村 through a past year, written as assessment's consumer of AssignmentStarted would
    /// have (dispatch refuses a post that overlaps the cadre's current one): a review year needs a post in that year.
    /// </summary>
    public async Task PostAsync(Guid cadre, int year)
    {
        await using var dataSource = AssessmentDb.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO assignments (id, village_code, force, cadre_id, unit_code, starts_on, ends_on)
            VALUES (gen_random_uuid(), @village, 'first_secretary', @cadre, 'U-A', make_date(@year, 1, 1), make_date(@year, 12, 31))
            """, new { village = VillageA, cadre, year });
    }

    /// <summary>
    /// Final monthly scores written straight into assessment's table: scoring a whole year of months from facts would
    /// take minutes and prove nothing the scoring tests do not; the year's end reads only the totals.
    /// </summary>
    public async Task MonthlyScoresAsync(string subjectKind, string subjectId, string groupCode, string regionCode, params (string Month, decimal Total)[] months)
    {
        await using var dataSource = AssessmentDb.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var (month, total) in months)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO scores (id, month, subject_kind, subject_id, subject_name, region_code, group_code, version, total, provisional, model_version_id,
                                    content_hash, explanation, run_id)
                SELECT gen_random_uuid(), @month, @subjectKind, @subjectId, @subjectId, @regionCode, @groupCode, 1, @total, false,
                       (SELECT id FROM model_versions WHERE region_code = '' ORDER BY year, version LIMIT 1), 'test', '{}'::jsonb, gen_random_uuid()
                """, new { month, subjectKind, subjectId, regionCode, groupCode, total });
        }
    }
}
