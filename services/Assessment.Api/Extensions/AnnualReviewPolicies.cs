namespace Assessment.Api.Extensions;

/// <summary>Authorization policies of the year-end features (the platform-wide ones are in Platform.Security).</summary>
public static class AnnualReviewPolicies
{
    /// <summary>Province and city officials set counties' annual targets, record their outcome and rank the city's departments.</summary>
    public const string ProvinceOrCity = "province-or-city";

    /// <summary>Officials who review a first secretary: the township, county, city and province.</summary>
    public const string Reviewers = "annual-reviewers";

    /// <summary>A first secretary's report: the cadre (their own) or an official.</summary>
    public const string Reporters = "annual-reporters";
}
