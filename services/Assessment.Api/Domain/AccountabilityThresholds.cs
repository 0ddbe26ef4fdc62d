using Assessment.Api.Features.Models;
using Npgsql;

namespace Assessment.Api.Domain;

/// <summary>
/// The numbers the accountability rules use, from the year's scoring model (its optional <c>accountability</c> section;
/// these defaults when the model has none): bulletins in a year that propose a talk (约谈), the satisfaction below which
/// a talk is proposed, the bottom share of the annual ranking whose heads get an admonishment, and the share of forces
/// that may be graded excellent (null: no quota).
/// </summary>
public sealed record AccountabilityThresholds(int BulletinsForTalk = 2, decimal SatisfactionForTalk = 0.70m, decimal BottomShareForAdmonishment = 0.10m,
    decimal? ExcellentQuota = null)
{
    public static readonly AccountabilityThresholds Default = new();

    /// <summary>The thresholds of <paramref name="year"/> for a county: its own model override, its city's, else the province default.</summary>
    public static async Task<AccountabilityThresholds> ForAsync(NpgsqlConnection connection, int year, string countyCode, CancellationToken ct)
    {
        var model = await ScoringModels.ResolveAsync(connection, year, countyCode, ct);
        return model?.Definition.Accountability ?? Default;
    }
}
