using System.Security.Cryptography;
using Identity.Api.Data;
using Identity.Api.Domain;
using Identity.Api.Extensions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Platform.Security.PersonalData;

namespace Identity.Api.Features.Keys;

/// <summary>
/// The token server's RSA keys, kept in the identity database (private parts encrypted with the personal-data key) so
/// that every replica signs and publishes the same ones and a restart keeps them. <see cref="RotateAsync"/> applies
/// <see cref="KeyRotationPolicy"/> and reloads; a reload changes OpenIddict's options (this is their change-token
/// source), so a new key is published and used without a restart.
/// </summary>
public sealed class SigningKeyRing(
    IServiceScopeFactory scopes,
    PersonalDataProtector protector,
    IOptions<IdentityServiceOptions> options,
    TimeProvider clock,
    ILogger<SigningKeyRing> logger) : IOptionsChangeTokenSource<OpenIddictServerOptions>
{
    // Serialises rotation across replicas; the value is arbitrary but fixed.
    private const long RotationLockId = 7_318_004_211;

    private readonly Lock gate = new();
    private CancellationTokenSource changed = new();
    private IReadOnlyList<LoadedKey>? keys;

    public string? Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(changed.Token);

    /// <summary>The keys of one use, the one in use first (OpenIddict signs and encrypts with the first).</summary>
    public IReadOnlyList<SecurityKey> KeysFor(string use)
    {
        var loaded = keys ?? throw new InvalidOperationException("The signing keys are not loaded yet (SigningKeyRing.RotateAsync runs at start).");
        var now = clock.GetUtcNow();
        var ofUse = loaded.Where(k => k.Use == use).ToList();
        var current = ofUse.Where(k => k.ActiveFrom <= now).MaxBy(k => k.ActiveFrom);
        return ofUse.OrderBy(k => k == current ? 0 : 1).ThenByDescending(k => k.ActiveFrom).Select(k => k.Key).ToList();
    }

    /// <summary>Makes and drops keys as the policy says (one replica at a time), then loads what the database holds.</summary>
    public async Task<bool> RotateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.KeySettings();
        var changedAny = false;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({RotationLockId})", cancellationToken);
            var now = clock.GetUtcNow();
            var stored = await db.SigningKeys.ToListAsync(cancellationToken);
            var schedule = stored.Select(k => new KeySchedule(k.Id, k.Use, k.ActiveFrom)).ToList();
            foreach (var use in new[] { KeyUses.Signing, KeyUses.Encryption })
            {
                var plan = KeyRotationPolicy.Plan(schedule, use, now, settings);
                if (plan.CreateActiveFrom is { } activeFrom)
                {
                    var key = Create(use, now, activeFrom);
                    db.SigningKeys.Add(key);
                    db.AuditEvents.Add(KeyAudit(AuditActions.SigningKeyCreated, key, now, $"active from {activeFrom:O}"));
                    changedAny = true;
                }

                foreach (var retired in stored.Where(k => plan.Retire.Contains(k.Id)))
                {
                    db.SigningKeys.Remove(retired);
                    db.AuditEvents.Add(KeyAudit(AuditActions.SigningKeyRetired, retired, now, "its successor has outlived every token it protected"));
                    changedAny = true;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await ReloadAsync(cancellationToken);
        return changedAny;
    }

    /// <summary>Reads the keys again (another replica may have rotated them) and tells OpenIddict when they differ.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        var stored = await db.SigningKeys.AsNoTracking().OrderBy(k => k.ActiveFrom).ToListAsync(cancellationToken);
        var loaded = stored.Select(Load).ToList();
        CancellationTokenSource previous;
        lock (gate)
        {
            var same = keys is not null && keys.Select(k => (k.Id, k.ActiveFrom)).SequenceEqual(loaded.Select(k => (k.Id, k.ActiveFrom)));
            keys = loaded;
            if (same)
            {
                return;
            }

            previous = changed;
            changed = new CancellationTokenSource();
        }

        logger.LogInformation("Token keys loaded: {Keys}", string.Join(", ", loaded.Select(k => $"{k.Id} ({k.Use}, from {k.ActiveFrom:O})")));
        await previous.CancelAsync();
        previous.Dispose();
    }

    private SigningKey Create(string use, DateTimeOffset now, DateTimeOffset activeFrom)
    {
        using var rsa = RSA.Create(2048);
        var pkcs8 = Convert.ToBase64String(rsa.ExportPkcs8PrivateKey());
        return new SigningKey
        {
            Id = $"{use}-{now:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}",
            Use = use,
            ProtectedKey = protector.Protect(pkcs8),
            CreatedAt = now,
            ActiveFrom = activeFrom,
        };
    }

    private LoadedKey Load(SigningKey stored)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(protector.Unprotect(stored.ProtectedKey)), out _);
        return new LoadedKey(stored.Id, stored.Use, stored.ActiveFrom, new RsaSecurityKey(rsa) { KeyId = stored.Id });
    }

    private static AuditEvent KeyAudit(string action, SigningKey key, DateTimeOffset now, string detail) => new()
    {
        At = now,
        Action = action,
        Actor = "identity-service",
        Outcome = AuditActions.Succeeded,
        Detail = $"{key.Id} ({key.Use}): {detail}",
    };

    private sealed record LoadedKey(string Id, string Use, DateTimeOffset ActiveFrom, RsaSecurityKey Key);
}
