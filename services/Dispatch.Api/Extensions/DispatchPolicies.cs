namespace Dispatch.Api.Extensions;

/// <summary>Authorization policies of the dispatch service (the platform-wide ones are in Platform.Security).</summary>
public static class DispatchPolicies
{
    /// <summary>Only province and city officials may change a village's category.</summary>
    public const string ChangeVillageCategory = "change-village-category";
}
