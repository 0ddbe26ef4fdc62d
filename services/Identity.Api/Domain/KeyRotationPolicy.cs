namespace Identity.Api.Domain;

/// <summary>
/// When the token server's keys are made, used and dropped (issue 18: "signing keys published as JWKS and rotated").
/// For each use (signing, encryption) one key is in use: the newest whose <c>ActiveFrom</c> has come. Its successor is
/// made <see cref="KeyRotationSettings.PublishAhead"/> before it takes over, so resource servers have it in their JWKS
/// cache before the first token it signs; a key is dropped once its successor has been in use for
/// <see cref="KeyRotationSettings.Overlap"/> (the longest a token it protected can live), so nothing valid is orphaned.
/// Pure: the ring applies the plan (<c>SigningKeyRing</c>).
/// </summary>
public static class KeyRotationPolicy
{
    public static KeyRotationPlan Plan(IReadOnlyCollection<KeySchedule> keys, string use, DateTimeOffset now, KeyRotationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var ofUse = keys.Where(k => k.Use == use).OrderBy(k => k.ActiveFrom).ToList();
        var retire = ofUse
            .Where(k => ofUse.Any(newer => newer.ActiveFrom > k.ActiveFrom && newer.ActiveFrom <= now - settings.Overlap))
            .Select(k => k.Id)
            .ToList();

        var current = ofUse.LastOrDefault(k => k.ActiveFrom <= now);
        if (current is null)
        {
            // None yet (a new database), or only one made ahead of time: the first key is in use at once.
            return ofUse.Count == 0 ? new KeyRotationPlan(now, retire) : new KeyRotationPlan(null, retire);
        }

        var hasSuccessor = ofUse.Any(k => k.ActiveFrom > current.ActiveFrom);
        var due = current.ActiveFrom + settings.RotateEvery;
        if (!hasSuccessor && now >= due - settings.PublishAhead)
        {
            // A late run (the job was down) still publishes the successor a full PublishAhead before it signs.
            var activeFrom = due - settings.PublishAhead >= now ? due : now + settings.PublishAhead;
            return new KeyRotationPlan(activeFrom, retire);
        }

        return new KeyRotationPlan(null, retire);
    }
}

/// <summary>A key's place in the rotation (what <see cref="KeyRotationPolicy"/> needs of a <see cref="SigningKey"/>).</summary>
public sealed record KeySchedule(string Id, string Use, DateTimeOffset ActiveFrom);

/// <summary>What to do now: make a key that is in use from <paramref name="CreateActiveFrom"/> (when not null), drop <paramref name="Retire"/>.</summary>
public sealed record KeyRotationPlan(DateTimeOffset? CreateActiveFrom, IReadOnlyList<string> Retire);

/// <summary>Section <c>Identity:Keys</c>.</summary>
public sealed class KeyRotationSettings
{
    /// <summary>How long one key signs before its successor takes over.</summary>
    public TimeSpan RotateEvery { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a successor is published before it signs (longer than resource servers cache the JWKS).</summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a replaced key stays published: at least the longest token lifetime (set from the token lifetimes).</summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromDays(1);
}
