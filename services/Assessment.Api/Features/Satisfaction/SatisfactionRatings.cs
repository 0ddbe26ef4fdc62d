namespace Assessment.Api.Features.Satisfaction;

/// <summary>
/// The rating scale of the satisfaction surveys (群众满意度): 满意 (satisfied, 100 points), 基本满意 (basically satisfied, 60),
/// 不满意 (unsatisfied, 0). The share satisfied (满意率) counts 满意 and 基本满意 among all responses; the score is the
/// responses' mean points.
/// </summary>
public static class SatisfactionRatings
{
    public const string Satisfied = "satisfied";
    public const string BasicallySatisfied = "basically_satisfied";
    public const string Unsatisfied = "unsatisfied";

    public static readonly IReadOnlyList<string> All = [Satisfied, BasicallySatisfied, Unsatisfied];

    public static bool IsKnown(string? rating) => rating is Satisfied or BasicallySatisfied or Unsatisfied;

    public static int Score(string rating) => rating switch
    {
        Satisfied => 100,
        BasicallySatisfied => 60,
        _ => 0,
    };

    public static string Name(string rating) => rating switch
    {
        Satisfied => "满意",
        BasicallySatisfied => "基本满意",
        Unsatisfied => "不满意",
        _ => rating,
    };
}
