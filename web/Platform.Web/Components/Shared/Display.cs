using Platform.Security;

namespace Platform.Web.Components.Shared;

/// <summary>How pages write instants and dates: China time (UTC+8), whatever the server's zone.</summary>
public static class Display
{
    public static string Time(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm");

    public static string Time(DateTimeOffset moment) => moment.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm");

    public static string Time(DateTime? utc) => utc is { } value ? Time(value) : "";

    public static string Time(DateTimeOffset? moment) => moment is { } value ? Time(value) : "";

    public static string YesNo(bool? value) => value switch { true => "是", false => "否", null => "—" };

    public static string Date(DateOnly day) => day.ToString("yyyy-MM-dd");

    /// <summary>A contract's date (Kiota's <see cref="Microsoft.Kiota.Abstractions.Date"/>); empty when the service sent none.</summary>
    public static string Date(Microsoft.Kiota.Abstractions.Date? day) => day is { } value ? value.ToString() : "";
}
