using System.Globalization;
using Platform.ApiClients.Dispatch.Models;

namespace Platform.Web.Features.Units;

/// <summary>A unit with its one-third figures, when the analytics answered.</summary>
public sealed record UnitRow(UnitDto Unit, UnitShare? Share)
{
    public int? InVillagePosts => Share?.InVillagePosts;

    public bool? BelowOneThird => Share?.BelowOneThird;

    public string ShareText => Share?.Share is { } share ? share.ToString("P1", CultureInfo.GetCultureInfo("zh-CN")) : "—";
}
