namespace Platform.Web.Components.Shared;

/// <summary>A column of an Excel export: its Chinese header and how a row gives its value.</summary>
public sealed record ExportColumn<T>(string Header, Func<T, object?> Value);
