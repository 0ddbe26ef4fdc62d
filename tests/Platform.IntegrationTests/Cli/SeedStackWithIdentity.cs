using Platform.IntegrationTests.Identity;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Cli;

/// <summary><see cref="SeedStack"/> with the identity service: `platform seed --authority`, as `./platform up` runs it.</summary>
public sealed class SeedStackWithIdentity : SeedStack
{
    protected override bool WithIdentity => true;
}

/// <summary>The identity service of <see cref="SeedStackWithIdentity"/>, on a real port, asking the stack's dispatch about cadres.</summary>
internal sealed class SeedIdentity(string dispatchGrpc) : IdentityFixture
{
    protected override bool OnKestrel => true;

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Services:Dispatch:Grpc"] = dispatchGrpc;
        return settings;
    }
}
