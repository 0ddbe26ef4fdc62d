using Platform.Scheduling;

namespace Identity.Api.Features.Keys;

/// <summary>
/// Hourly: applies the rotation policy and reloads the ring, so every replica picks up keys another one made. Repeating
/// an occurrence is harmless: the policy makes a key only when none is due.
/// </summary>
public sealed class KeyRotationJob(SigningKeyRing ring) : IScheduledJob
{
    public const string Name = "signing-key-rotation";
    public const string DefaultSchedule = "0 7 * * * ?";

    public Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken) => ring.RotateAsync(cancellationToken);
}
