using Platform.Security;
using Platform.ServiceDefaults;

namespace Funds.Api.Domain;

/// <summary>The checks funds requests share: a county's code, a budget year, a programme, and a region in the caller's scope.</summary>
public static class FundsRequests
{
    public static void CheckCounty(string? code, List<FieldError> errors)
    {
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError("countyCode", "invalid_county", "countyCode 须为6位县级区划代码"));
        }
    }

    /// <summary>A year from 2000 to next year (China time): budgets are set a year ahead at most.</summary>
    public static bool IsYear(int year, DateOnly today) => year >= 2000 && year <= today.Year + 1;

    public static void CheckYear(int? year, DateOnly today, List<FieldError> errors)
    {
        if (year is not { } value || !IsYear(value, today))
        {
            errors.Add(new FieldError("year", "invalid_year", $"year 须在2000年至{today.Year + 1}年之间"));
        }
    }

    public static Programme? CheckProgramme(string? code, List<FieldError> errors)
    {
        var programme = Programmes.Find(code);
        if (programme is null)
        {
            errors.Add(new FieldError("programme", "unknown_programme", $"programme 须为 {string.Join("、", Programmes.All.Select(p => p.Code))} 之一"));
        }

        return programme;
    }

    /// <summary>A region a write names must lie in the caller's scope; outside it answers exactly like a missing one.</summary>
    public static void RequireInScope(RegionScope scope, string code)
    {
        if (!scope.Covers(code))
        {
            throw ApiProblems.NotFound("region_not_found", "未找到该区划").ToException($"未找到区划 {code}");
        }
    }
}
