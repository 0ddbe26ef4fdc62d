namespace Assessment.Api.Features.Satisfaction;

/// <summary>
/// Responses counted by rating: the share satisfied (满意 and 基本满意 among all, <see cref="SatisfactionRatings"/>) and the
/// mean score, both null without responses.
/// </summary>
public sealed record SatisfactionTally(int Responses, int Satisfied, int BasicallySatisfied, int Unsatisfied)
{
    /// <summary>The SQL aggregate columns of a tally over satisfaction_responses aliased <c>r</c>.</summary>
    public const string Columns =
        """
        count(r.id)::int AS responses, count(*) FILTER (WHERE r.rating = 'satisfied')::int AS satisfied,
        count(*) FILTER (WHERE r.rating = 'basically_satisfied')::int AS basically_satisfied, count(*) FILTER (WHERE r.rating = 'unsatisfied')::int AS unsatisfied
        """;

    public decimal? ShareSatisfied => Responses == 0 ? null : Math.Round((decimal)(Satisfied + BasicallySatisfied) / Responses, 4);

    public decimal? Score => Responses == 0 ? null : Math.Round((decimal)(Satisfied * 100 + BasicallySatisfied * 60) / Responses, 2);
}
