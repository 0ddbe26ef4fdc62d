using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.ServiceDefaults;

namespace Assessment.Api.Domain;

/// <summary>
/// One indicator of a scoring model: the subjects it applies to with their weight, where its value comes from, how
/// the value becomes points, its target and floor; the province default also sets the weights an override may use.
/// </summary>
public sealed record IndicatorDefinition(
    string Key,
    string Name,
    string Source,
    string Kind,
    decimal Target,
    decimal Floor,
    IReadOnlyDictionary<string, decimal> Weights,
    decimal? MinWeight = null,
    decimal? MaxWeight = null);

public sealed record RedFlagRule(IReadOnlyList<string> Rankings);

/// <summary>A yellow-card rule: <c>first_secretary_gap</c> (days) or <c>on_post_far_below_minimum</c> (ratio of the minimum).</summary>
public sealed record YellowCardRule(string Rule, int? Days = null, decimal? Ratio = null);

/// <param name="Accountability">The accountability rules' thresholds for the year (optional: defaults when absent).</param>
public sealed record ModelDefinition(IReadOnlyList<IndicatorDefinition> Indicators, RedFlagRule? RedFlag, IReadOnlyList<YellowCardRule>? YellowCards,
    AccountabilityThresholds? Accountability = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static ModelDefinition Parse(string json) => JsonSerializer.Deserialize<ModelDefinition>(json, Json)!;

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>Where an indicator's value comes from; a model naming another source is refused (unknown_indicator_source).</summary>
public static class IndicatorSources
{
    public const string Attendance = "dispatch.attendance";
    public const string OffPostCheckIns = "dispatch.off_post_check_ins";
    public const string CoverageGaps = "dispatch.coverage_gaps";
    public const string Inspections = "dispatch.inspections";
    public const string ProcessRecords = "dispatch.process_records";
    public const string ReturnedToPoverty = "pairing.returned_to_poverty";
    public const string HelperGaps = "pairing.helper_gaps";
    public const string ContactOverdue = "pairing.contact_overdue";
    public const string FundsExecution = "funds.execution_rate";
    public const string Tasks = "assessment.tasks";

    /// <summary>Conduct violations (十条禁令 and conduct rules) in the accountability register, not withdrawn.</summary>
    public const string Conduct = "assessment.conduct";

    /// <summary>Villages past their rectification deadline (软弱涣散村整改逾期) during the month, from dispatch's rectification events.</summary>
    public const string Rectification = "dispatch.rectification";

    /// <summary>Return-to-poverty monitoring cases found without measures by their deadline in the month, from pairing's events.</summary>
    public const string MonitoringResponse = "pairing.monitoring_response";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Attendance, OffPostCheckIns, CoverageGaps, ContactOverdue, FundsExecution, Tasks, Inspections, ProcessRecords, ReturnedToPoverty, HelperGaps, Conduct,
        Rectification, MonitoringResponse,
    };
}

/// <summary>
/// How a value becomes points (never more than the weight, never below zero):
/// ratio: full weight at or above the target, none at or below the floor, linear between;
/// threshold: full weight at or above the target, else none; count: weight × value / target, at most the weight;
/// penalty: the weight less target points per event.
/// </summary>
public static class FormulaKinds
{
    public const string Ratio = "ratio";
    public const string Threshold = "threshold";
    public const string Count = "count";
    public const string Penalty = "penalty";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Ratio, Threshold, Count, Penalty };

    public static decimal Points(string kind, decimal weight, decimal target, decimal floor, decimal value)
    {
        var points = kind switch
        {
            Ratio => value >= target ? weight : value <= floor ? 0m : weight * (value - floor) / (target - floor),
            Threshold => value >= target ? weight : 0m,
            Count => weight * Math.Min(1m, value / target),
            Penalty => Math.Max(0m, weight - value * target),
            _ => throw new InvalidOperationException($"Unknown formula kind {kind}."),
        };
        return Math.Round(points, 2, MidpointRounding.AwayFromZero);
    }
}

/// <summary>The rules a model must keep before it is published; each broken rule has its own stable problem code.</summary>
public static class ModelValidation
{
    public const decimal RequiredWeightSum = 100m;

    /// <summary>
    /// Checks <paramref name="model"/>; an override (<paramref name="provinceDefault"/> given) keeps the default's
    /// indicators (same keys, sources and kinds) and weights within the default's limits. Throws the first kind of
    /// problem found, with every field error of that kind.
    /// </summary>
    public static void Validate(ModelDefinition? model, ModelDefinition? provinceDefault)
    {
        if (model?.Indicators is not { Count: > 0 } indicators)
        {
            throw Invalid("invalid_model", "考核模型无效", [new FieldError("definition.indicators", "required", "模型至少需要一项指标")]);
        }

        var structural = new List<FieldError>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < indicators.Count; i++)
        {
            var indicator = indicators[i];
            var field = $"definition.indicators[{i}]";
            if (indicator is null || string.IsNullOrWhiteSpace(indicator.Key) || string.IsNullOrWhiteSpace(indicator.Name) || indicator.Weights is not { Count: > 0 })
            {
                structural.Add(new FieldError(field, "required", "指标需要 key、name 和 weights"));
                continue;
            }

            if (!keys.Add(indicator.Key))
            {
                structural.Add(new FieldError($"{field}.key", "duplicate", $"指标 {indicator.Key} 重复"));
            }

            foreach (var (kind, weight) in indicator.Weights)
            {
                if (!SubjectKinds.IsKnown(kind))
                {
                    structural.Add(new FieldError($"{field}.weights.{kind}", "unknown_subject", $"未知的考核对象：{kind}"));
                }
                else if (weight < 0)
                {
                    structural.Add(new FieldError($"{field}.weights.{kind}", "negative", "权重不能为负"));
                }
            }
        }

        foreach (var (rule, i) in (model.YellowCards ?? []).Select((r, i) => (r, i)))
        {
            if (rule is null || rule.Rule is not ("first_secretary_gap" or "on_post_far_below_minimum")
                || (rule.Rule == "first_secretary_gap" && rule.Days is not > 0) || (rule.Rule == "on_post_far_below_minimum" && rule.Ratio is not (> 0 and < 1)))
            {
                structural.Add(new FieldError($"definition.yellowCards[{i}]", "invalid_rule", "黄牌规则须为 first_secretary_gap（days>0）或 on_post_far_below_minimum（0<ratio<1）"));
            }
        }

        foreach (var (ranking, i) in (model.RedFlag?.Rankings ?? []).Select((r, i) => (r, i)))
        {
            if (!SubjectKinds.IsKnown(ranking))
            {
                structural.Add(new FieldError($"definition.redFlag.rankings[{i}]", "unknown_subject", $"未知的排名：{ranking}"));
            }
        }

        if (model.Accountability is { } thresholds && (thresholds.BulletinsForTalk < 1 || thresholds.SatisfactionForTalk is <= 0 or > 1
                || thresholds.BottomShareForAdmonishment is <= 0 or >= 1 || thresholds.ExcellentQuota is <= 0 or > 1))
        {
            structural.Add(new FieldError("definition.accountability", "invalid_threshold",
                "问责阈值须为：通报次数不少于1，满意度在0～1之间，末位比例在0～1之间，优秀比例为空或在0～1之间"));
        }

        Throw("invalid_model", "考核模型无效", structural);

        Throw("unknown_formula_kind", "指标计分方式未知", indicators.Select((x, i) => (x, i)).Where(p => !FormulaKinds.All.Contains(p.x.Kind ?? string.Empty))
            .Select(p => new FieldError($"definition.indicators[{p.i}].kind", "unknown_formula_kind", $"未知的计分方式：{p.x.Kind}（ratio、threshold、count、penalty）")).ToList());

        Throw("unknown_indicator_source", "指标数据来源未知", indicators.Select((x, i) => (x, i)).Where(p => !IndicatorSources.All.Contains(p.x.Source ?? string.Empty))
            .Select(p => new FieldError($"definition.indicators[{p.i}].source", "unknown_source", $"未知的数据来源：{p.x.Source}")).ToList());

        Throw("invalid_model", "考核模型无效", indicators.Select((x, i) => (x, i)).Where(p => p.x.Kind switch
            {
                FormulaKinds.Ratio => p.x.Target <= p.x.Floor || p.x.Floor < 0,
                _ => p.x.Target <= 0,
            })
            .Select(p => new FieldError($"definition.indicators[{p.i}].target", "invalid_target", "目标值须大于0（比率须大于下限，下限不小于0）")).ToList());

        var weightErrors = SubjectKinds.All
            .Select(kind => (kind, sum: indicators.Sum(x => x.Weights.TryGetValue(kind, out var w) ? w : 0m), used: indicators.Any(x => x.Weights.ContainsKey(kind))))
            .Where(s => s.used && s.sum != RequiredWeightSum)
            .Select(s => new FieldError($"definition.weights.{s.kind}", "weights_sum", $"{SubjectKinds.Name(s.kind)}各项指标权重之和为{s.sum}，应为{RequiredWeightSum}"))
            .ToList();
        Throw("model_weights_invalid", "指标权重之和不符合要求", weightErrors);

        if (provinceDefault is null)
        {
            return;
        }

        var limits = new List<FieldError>();
        var defaults = provinceDefault.Indicators.ToDictionary(x => x.Key, StringComparer.Ordinal);
        foreach (var (indicator, i) in indicators.Select((x, i) => (x, i)))
        {
            if (!defaults.TryGetValue(indicator.Key, out var original) || original.Source != indicator.Source || original.Kind != indicator.Kind)
            {
                limits.Add(new FieldError($"definition.indicators[{i}]", "not_in_default", $"指标 {indicator.Key} 须与省级默认模型的指标、来源和计分方式一致"));
                continue;
            }

            foreach (var (kind, weight) in indicator.Weights)
            {
                if ((original.MinWeight is { } min && weight < min) || (original.MaxWeight is { } max && weight > max))
                {
                    limits.Add(new FieldError($"definition.indicators[{i}].weights.{kind}", "out_of_limits",
                        $"{indicator.Name}的权重{weight}超出省级限定范围（{original.MinWeight}～{original.MaxWeight}）"));
                }
            }
        }

        Throw("model_out_of_limits", "超出省级模型限定范围", limits);
    }

    private static void Throw(string code, string title, List<FieldError> errors)
    {
        if (errors.Count > 0)
        {
            throw Invalid(code, title, errors);
        }
    }

    private static ProblemException Invalid(string code, string title, IReadOnlyList<FieldError> errors) => ApiProblems.Invalid(code, title, errors).ToException();
}
