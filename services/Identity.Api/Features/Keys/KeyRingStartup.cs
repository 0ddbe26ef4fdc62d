namespace Identity.Api.Features.Keys;

/// <summary>
/// Loads (and on a new database makes) the keys after the migrations and before the server answers: the migrations run
/// in the host's starting phase, this in its start phase, Kestrel after it.
/// </summary>
public sealed class KeyRingStartup(SigningKeyRing ring) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ring.RotateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
