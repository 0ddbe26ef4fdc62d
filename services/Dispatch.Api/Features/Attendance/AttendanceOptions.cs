using System.ComponentModel.DataAnnotations;

namespace Dispatch.Api.Features.Attendance;

/// <summary>
/// Section <c>Attendance</c>: how long a check-in the phone queued offline may take to arrive, and when it counts as late.
/// The server's clock decides a check-in's day and instant; the phone's time is kept beside it.
/// </summary>
public sealed class AttendanceOptions : IValidatableObject
{
    public const string Section = "Attendance";

    /// <summary>A check-in whose phone time is older than this when it arrives is refused (default 48 h: a weekend without signal).</summary>
    public TimeSpan OfflineWindow { get; set; } = TimeSpan.FromHours(48);

    /// <summary>A check-in that arrives later than this after its phone time is marked late (default 10 minutes of network delay).</summary>
    public TimeSpan LateAfter { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LateAfter < TimeSpan.Zero || OfflineWindow < LateAfter || OfflineWindow > TimeSpan.FromDays(31))
        {
            yield return new ValidationResult("Attendance: need 0 <= LateAfter <= OfflineWindow <= 31 days.", [nameof(OfflineWindow), nameof(LateAfter)]);
        }
    }
}
