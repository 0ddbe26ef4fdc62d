using Assessment.Api.Domain;
using Dapper;
using Npgsql;

namespace Assessment.Api.Features.Names;

/// <summary>
/// Gives the scored subjects their names from the local copy of dispatch's registry (<see cref="CollectNames"/>): a
/// county or township its region's name, an assisting unit the unit's, a work team its township and village
/// (北山镇青杠村驻村工作队), a first secretary without an attendance record (whose name the scoring takes from it) the
/// village. A code the copy does not hold keeps the engine's name (the code). Names are labels, not results: they do
/// not enter a score's fingerprint, so a renamed region makes no new version.
/// </summary>
public static class SubjectNames
{
    public static async Task<ScoringResult> NameAsync(NpgsqlDataSource dataSource, ScoringResult result, CancellationToken cancellationToken)
    {
        var regionCodes = result.Scores.SelectMany(s => s.Kind is SubjectKinds.County or SubjectKinds.Township
                ? [SubjectKinds.Pad(s.Id)]
                : new[] { s.RegionCode, SubjectKinds.Pad(s.RegionCode[..Math.Min(9, s.RegionCode.Length)]) })
            .Distinct(StringComparer.Ordinal).ToArray();
        var unitCodes = result.Scores.Where(s => s.Kind == SubjectKinds.AssistingUnit).Select(s => s.Id).Distinct(StringComparer.Ordinal).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var regions = (await connection.QueryAsync<(string Code, string Name)>(new CommandDefinition(
            "SELECT code, name FROM region_names WHERE code = ANY(@regionCodes)", new { regionCodes }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal);
        var units = (await connection.QueryAsync<(string Code, string Name)>(new CommandDefinition(
            "SELECT code, name FROM unit_names WHERE code = ANY(@unitCodes)", new { unitCodes }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal);

        string? Village(string code) => code.Length == 12 && regions.TryGetValue(code, out var village)
            ? regions.GetValueOrDefault(SubjectKinds.Pad(code[..9]), string.Empty) + village
            : null;

        string Name(SubjectScore s) => s.Kind switch
        {
            SubjectKinds.County or SubjectKinds.Township => regions.GetValueOrDefault(SubjectKinds.Pad(s.Id), s.Name),
            SubjectKinds.AssistingUnit => units.GetValueOrDefault(s.Id, s.Name),
            SubjectKinds.WorkTeam => Village(s.RegionCode) is { } v ? $"{v}驻村工作队" : s.Name,
            // The engine names a first secretary after the cadre when the month's attendance lists them, else after the village's code.
            SubjectKinds.FirstSecretary when s.Name == $"第一书记（{s.RegionCode}）" && Village(s.RegionCode) is { } v => $"第一书记（{v}）",
            _ => s.Name,
        };

        var scores = result.Scores.Select(s => s with { Name = Name(s) }).ToList();
        var names = scores.ToDictionary(s => (s.Kind, s.Id), s => s.Name);
        var cards = result.YellowCards.Select(c => c with { SubjectName = names.GetValueOrDefault((c.SubjectKind, c.SubjectId), c.SubjectName) }).ToList();
        return result with { Scores = scores, YellowCards = cards };
    }
}
