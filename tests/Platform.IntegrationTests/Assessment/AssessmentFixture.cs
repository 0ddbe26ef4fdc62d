using Dapper;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// The stack (<see cref="AssessmentStack"/>) with two counties of one city, each with a first secretary and an assisting
/// unit (乙's village also the province's department): 甲 in 通川区 (511702) is on post, 乙 in 达川区 (511703) misses check-ins.
/// </summary>
public sealed class AssessmentFixture() : AssessmentStack("assess")
{
    public const string VillageA = "511702104201";
    public const string VillageB = "511703105201";

    protected override async Task SeedAsync()
    {
        using var province = DispatchClient(Roles.Province, "51");
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).EnsureSuccessStatusCode();
        await ImportPeopleAsync(province,
            "U-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\nU-P,示范省农业农村厅,省,510000000000,张厅长,80\n",
            [("甲", "U-A"), ("乙", "U-B")], "1985050");

        Assignments["甲"] = await AssignAsync(province, new { villageCode = VillageA, force = "first_secretary", cadreId = Cadres["甲"], startsOn = "2026-01-01" });
        Assignments["乙"] = await AssignAsync(province, new { villageCode = VillageB, force = "first_secretary", cadreId = Cadres["乙"], startsOn = "2026-01-01" });
        await AssignAsync(province, new { villageCode = VillageA, force = "assisting_unit", unitCode = "U-A", startsOn = "2026-01-01" });
        await AssignAsync(province, new { villageCode = VillageB, force = "assisting_unit", unitCode = "U-B", startsOn = "2026-01-01" });
        // A province's department serving a county's village: its name is the province's, not the county's.
        await AssignAsync(province, new { villageCode = VillageB, force = "assisting_unit", unitCode = "U-P", startsOn = "2026-01-01" });

        // The forces travel as AssignmentStarted events through dispatch's outbox, RabbitMQ and assessment's inbox.
        await Eventually.HoldsAsync(async () => await AssessmentDb.ScalarAsync<long>("SELECT count(*) FROM assignments") == 5,
            "assessment learned the 5 assignments from dispatch's events");
    }

    /// <summary>
    /// Check-ins of a past month, written straight into dispatch's table: the API lets only the server's clock decide the
    /// day, and these tests score months that have ended. 甲 is on post <paramref name="daysA"/> days, 乙 <paramref name="daysB"/>
    /// days and checks in <paramref name="offPostB"/> times away from the village.
    /// </summary>
    public async Task CheckInsAsync(int year, int month, int daysA, int daysB, int offPostB)
    {
        await using var dataSource = DispatchDb.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        async Task Add(string cadre, string village, int day, bool onPost) =>
            await connection.ExecuteAsync(
                """
                INSERT INTO check_ins (id, cadre_id, assignment_id, village_code, checked_at, client_at, day, longitude, latitude, distance_meters, on_post, recorded_by)
                VALUES (gen_random_uuid(), @cadreId, @assignmentId, @village, @at, @at, @day, 107.5, 31.2, @distance, @onPost, 'test')
                """,
                new
                {
                    cadreId = Cadres[cadre], assignmentId = Assignments[cadre], village, onPost, distance = onPost ? 100 : 9000,
                    at = new DateTimeOffset(year, month, day, 1, 0, 0, TimeSpan.Zero), day = new DateTime(year, month, day),
                });
        for (var day = 1; day <= daysA; day++)
        {
            await Add("甲", VillageA, day, true);
        }

        for (var day = 1; day <= daysB; day++)
        {
            await Add("乙", VillageB, day, true);
        }

        for (var day = 0; day < offPostB; day++)
        {
            await Add("乙", VillageB, 20 + day, false);
        }
    }
}
