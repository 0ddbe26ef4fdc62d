namespace Assessment.Api.Extensions;

public sealed class AssessmentOptions
{
    public const string Section = "Assessment";

    /// <summary>The service account's token for dispatch (required where tokens come from an authority; development mints one).</summary>
    public string? ServiceToken { get; set; }
}
