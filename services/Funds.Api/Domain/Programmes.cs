namespace Funds.Api.Domain;

/// <summary>A funding programme (资金项目): what a county's budget line pays for.</summary>
public sealed record Programme(string Code, string Name);

/// <summary>The programmes of domain.md §5 a county budgets for each year.</summary>
public static class Programmes
{
    public const string FirstSecretaryFunds = "first_secretary_funds";
    public const string TechnicianFunds = "technician_funds";
    public const string PartyOrganisationFunds = "party_organisation_funds";
    public const string IndustrySupport = "industry_support";
    public const string IndustryAwards = "industry_awards";

    public static readonly IReadOnlyList<Programme> All =
    [
        new(FirstSecretaryFunds, "第一书记工作经费"),
        new(TechnicianFunds, "农技员工作经费"),
        new(PartyOrganisationFunds, "基层党组织工作经费"),
        new(IndustrySupport, "产业扶持资金"),
        new(IndustryAwards, "贫困户产业奖补"),
    ];

    public static Programme? Find(string? code) => All.FirstOrDefault(p => p.Code == code);
}
