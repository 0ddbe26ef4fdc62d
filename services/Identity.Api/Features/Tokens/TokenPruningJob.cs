using OpenIddict.Abstractions;
using Platform.Scheduling;

namespace Identity.Api.Features.Tokens;

/// <summary>
/// Daily: removes OpenIddict's entries of tokens and authorizations that expired or were revoked more than a week ago
/// (every access token a service account gets is an entry; without pruning the table only grows). The week keeps what
/// an operator may still want to look at after an incident. Repeating it removes nothing more.
/// </summary>
public sealed class TokenPruningJob(IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations, TimeProvider clock) : IScheduledJob
{
    public const string Name = "token-pruning";
    public const string DefaultSchedule = "0 40 3 * * ?";

    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(7);

    public async Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken)
    {
        var threshold = clock.GetUtcNow() - KeepFor;
        var removed = await tokens.PruneAsync(threshold, cancellationToken) + await authorizations.PruneAsync(threshold, cancellationToken);
        return removed > 0;
    }
}
