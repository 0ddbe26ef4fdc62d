namespace Funds.Api.Domain;

/// <summary>One fund standard item: its code, Chinese name and what one amount is for.</summary>
public sealed record StandardItem(string Code, string Name, string Unit, string UnitName);

/// <summary>The fund standard items of domain.md §5 (经费标准). Amounts are integer fen (1 CNY = 100 fen).</summary>
public static class StandardItems
{
    public const string FirstSecretaryPoorVillage = "first_secretary_poor_village";
    public const string FirstSecretaryNonPoorVillage = "first_secretary_non_poor_village";
    public const string AgriculturalTechnician = "agricultural_technician";
    public const string PartyOrganisation = "party_organisation";
    public const string PartyMemberEducation = "party_member_education";
    public const string VillageSecretaryPay = "village_secretary_pay";
    public const string IndustrySupportPoorVillage = "industry_support_poor_village";
    public const string IndustrySupportNonPoorVillage = "industry_support_non_poor_village";
    public const string IndustryStartAward = "industry_start_award";

    public static readonly IReadOnlyList<StandardItem> All =
    [
        new(FirstSecretaryPoorVillage, "贫困村第一书记工作经费", "per_person_year", "每人每年"),
        new(FirstSecretaryNonPoorVillage, "非贫困村第一书记工作经费", "per_person_year", "每人每年"),
        new(AgriculturalTechnician, "农技员工作经费", "per_person_year", "每人每年"),
        new(PartyOrganisation, "基层党组织工作经费", "per_organisation_year", "每个组织每年"),
        new(PartyMemberEducation, "党员教育经费", "per_member_year", "每名党员每年"),
        new(VillageSecretaryPay, "村党组织书记报酬", "per_person_month", "每人每月"),
        new(IndustrySupportPoorVillage, "贫困村产业扶持资金", "per_village", "每村"),
        new(IndustrySupportNonPoorVillage, "非贫困村产业扶持资金", "per_village", "每村"),
        new(IndustryStartAward, "贫困户发展产业奖补", "per_household", "每户"),
    ];

    public static StandardItem? Find(string? code) => All.FirstOrDefault(i => i.Code == code);
}
