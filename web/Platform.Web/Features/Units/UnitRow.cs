using System.Globalization;

namespace Platform.Web.Features.Units;

/// <summary>A unit with its one-third figures, when the analytics answered.</summary>
public sealed record UnitRow(Unit Unit, UnitShare? Share)
{
    public int? InVillagePosts => Share?.InVillagePosts;

    public bool? BelowOneThird => Share?.BelowOneThird;

    public string ShareText => Share is null ? "—" : Share.Share.ToString("P1", CultureInfo.GetCultureInfo("zh-CN"));
}
