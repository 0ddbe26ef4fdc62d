using Microsoft.Kiota.Abstractions;

namespace Platform.Web.Gateway;

/// <summary>The contracts' dates (<c>format: date</c>) are Kiota's <see cref="Date"/>; the console computes with <see cref="DateOnly"/>.</summary>
public static class Dates
{
    public static Date Of(DateOnly day) => new(day.Year, day.Month, day.Day);

    public static Date? Of(DateTime? day) => day is { } value ? Of(DateOnly.FromDateTime(value)) : null;

    public static DateOnly? ToDateOnly(Date? day) => day is { } value ? new DateOnly(value.Year, value.Month, value.Day) : null;
}
