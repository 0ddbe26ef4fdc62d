using System.Diagnostics;
using Microsoft.Kiota.Abstractions;
using System.Globalization;
using Platform.Cli.CommandLine;
using Platform.Cli.DemoData;
using Platform.Security;
using Platform.Security.PersonalData;

namespace Platform.Cli.Commands;

/// <summary>
/// Seeds the demo province through dispatch's API with a province token, from the identity service (client credentials,
/// province, nationwide, write) or signed with the development key: the region file, then the assistance forces
/// (<see cref="ForcesGenerator"/>): units, cadres, assignments and a month's check-ins (those within dispatch's offline window); then pairing's households and
/// helpers, and assessment's task lists of the month and the scored month before (<see cref="AssessmentSeeder"/>); then,
/// with the identity service, its demo accounts (<see cref="DemoAccountsSeeder"/>).
/// </summary>
internal sealed class SeedCommand(TextWriter output, TextWriter error, HttpMessageHandler? handler, TimeSpan retryDelay, TimeProvider? clock = null) : ICommand
{
    public const string Subject = "demo-seeder";

    /// <summary>Connection refusals retried while the service starts: about ten seconds with the default delay.</summary>
    public const int MaxRetries = ServiceClient.MaxRetries;

    /// <summary>Requests in flight at once while checking in.</summary>
    public const int Concurrency = 8;

    /// <summary>A province file is imported in one transaction; allow for a slow machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>The seeding of a province takes minutes; the token outlives it comfortably.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(3);

    private static readonly OptionSpec Url = new("url", "BASE", "the gateway's (or dispatch's) base address, e.g. http://127.0.0.1:5000", Required: true);

    private static readonly OptionSpec PairingUrl = new("pairing-url", "BASE",
        "pairing's base address (default: BASE of --url with port 5100 replaced by 5200, e.g. http://127.0.0.1:5200)");

    private static readonly OptionSpec AssessmentUrl = new("assessment-url", "BASE",
        "assessment's base address (default: BASE of --url with port 5100 replaced by 5400, e.g. http://127.0.0.1:5400)");

    /// <summary>How long the final scoring waits for assessment to learn the forces from dispatch's events.</summary>
    public static readonly TimeSpan ForcesEventsTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A scoring run of a province takes a minute or two; allow for a slow machine.</summary>
    public static readonly TimeSpan ScoringRunTimeout = TimeSpan.FromMinutes(10);

    /// <summary>How long the household import is retried while pairing has not yet learnt the villages from dispatch's events.</summary>
    public static readonly TimeSpan VillagePollTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan VillagePollDelay = TimeSpan.FromSeconds(2);

    private static readonly OptionSpec IdentityUrl = new("identity-url", "BASE",
        "client credentials: the base address of the identity service's admin API, where the demo accounts are created (default: --authority)");

    private static readonly OptionSpec AccountsFile = new("accounts-file", "PATH",
        "client credentials: file the demo accounts are written to, one per line: userName, displayName, role, region, password (tab-separated), e.g. .local/demo-accounts.txt");

    /// <summary>The seeder's token from the identity service: the whole country, and writes.</summary>
    public static readonly Narrowing SeederToken = new([Roles.Province], string.Empty, [Grants.Nationwide, Grants.Write]);

    private static readonly OptionSpec AsOf = new("as-of", "DATE",
        "yyyy-MM-dd, the day the forces are for: assignments start in the two years before its month, check-ins fall in the month before (default today in China)");

    public CommandSpec Spec { get; } = new(
        "seed",
        $"Generates the demo province, POSTs it to BASE/api/dispatch/regions/import with a province token, then loads its units, cadres, "
        + "assignments of the six forces (one import per county) and the check-ins of a month that dispatch can still accept through the same API; then pairing's households, helpers and a month of contacts; "
        + "then assessment's \"1+6\" task lists of the month and the scored month before (rankings, red flags). "
        + "The token: from the identity service with --authority, --client-id and --client-secret-file (province, nationwide, write), which then also "
        + "gets the demo accounts (printed, and written to --accounts-file); or signed with the development key of --key-file (scope 51; tests and development only).",
        [DemoDataOptions.Scale, Url, PairingUrl, AssessmentUrl, ClientCredentialsOptions.Authority, ClientCredentialsOptions.ClientId, ClientCredentialsOptions.ClientSecretFile,
            IdentityUrl, AccountsFile, SigningOptions.KeyFile, DemoDataOptions.Seed, AsOf, SigningOptions.Issuer, SigningOptions.Audience]);

    public async Task<int> RunAsync(ParsedOptions options, CancellationToken cancellationToken)
    {
        var scale = DemoDataOptions.ParseScale(options);
        var seed = DemoDataOptions.ParseSeed(options);
        var baseUri = ParseBaseUri(options);
        var pairingUri = ParseServiceUri(options, PairingUrl, baseUri, 5200);
        var assessmentUri = ParseServiceUri(options, AssessmentUrl, baseUri, 5400);
        var asOf = ParseAsOf(options);
        var credentials = ClientCredentialsOptions.Parse(options, SigningOptions.All);
        if (credentials is null && new[] { IdentityUrl, AccountsFile }.FirstOrDefault(o => options.IsGiven(o.Name)) is { } accountsOption)
        {
            throw options.Fail($"option '--{accountsOption.Name}' needs --{ClientCredentialsOptions.Authority.Name} (the demo accounts live in the identity service)");
        }

        var identityUri = credentials is null ? null : options.Get(IdentityUrl.Name) is null ? credentials.Authority : ParseUri(options, IdentityUrl);
        var accountsFile = options.Get(AccountsFile.Name);
        var fileSuffix = $"{scale.ToString().ToLowerInvariant()}-{seed}";

        using var client = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = Timeout };
        string token;
        if (credentials is null)
        {
            var auth = options.IsGiven(SigningOptions.KeyFile.Name) ? SigningOptions.CreateAuthOptions(options) : throw SigningOptions.NeitherMode(options);
            token = DevelopmentTokens.Create(auth, Subject, [Roles.Province], ProvinceGenerator.ProvinceCode[..2], TokenLifetime);
        }
        else
        {
            try
            {
                token = await new IdentityTokenClient(client, error, retryDelay).RequestAsync(credentials, SeederToken, cancellationToken);
            }
            catch (TokenRequestException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Failure;
            }
        }

        var dispatch = new ServiceClient(client, baseUri, token, error, retryDelay);
        var pairing = new ServiceClient(client, pairingUri, token, error, retryDelay);
        var assessment = new ServiceClient(client, assessmentUri, token, error, retryDelay);
        var current = dispatch;
        try
        {
            if (!await SeedRegionsAsync(dispatch, scale, seed, fileSuffix, cancellationToken))
            {
                return ExitCodes.Failure;
            }

            var stopwatch = Stopwatch.StartNew();
            var generator = new ForcesGenerator(seed, asOf);
            var plan = generator.Generate(scale);
            await SayAsync(string.Create(CultureInfo.InvariantCulture,
                $"planned the forces of {plan.EligibleVillages:N0} villages (贫困村, 当年计划退出村, 已退出村) as of {generator.ReferenceMonth:yyyy-MM}: {plan.Units.Count:N0} units, {plan.Cadres.Count:N0} cadres, {plan.Assignments.Count:N0} assignments, {plan.Gaps.Count:N0} gaps, {plan.CheckIns.Count:N0} check-ins in {plan.CheckInMonth:yyyy-MM} ({stopwatch.Elapsed.TotalSeconds:F1} s)"),
                cancellationToken);

            if (await new ForcesSeeder(dispatch, output, Concurrency, clock ?? TimeProvider.System).RunAsync(plan, fileSuffix, error, cancellationToken) is not { } cadreIds)
            {
                return ExitCodes.Failure;
            }

            current = pairing;
            stopwatch.Restart();
            var households = new HouseholdGenerator(seed, asOf).Generate(scale, plan);
            await SayAsync(string.Create(CultureInfo.InvariantCulture,
                $"planned {households.HouseholdCount:N0} households (of {households.PlannedHouseholds:N0} poor households) in {households.CountyCodes.Count:N0} {(households.CountyCodes.Count == 1 ? "county" : "counties")}, with their helpers and contacts in {households.ContactMonth:yyyy-MM}, for {pairing.Authority}; each county is generated as it is seeded ({stopwatch.Elapsed.TotalSeconds:F1} s)"),
                cancellationToken);
            var pollDelay = retryDelay < VillagePollDelay ? retryDelay : VillagePollDelay;
            if (!await new PairingSeeder(dispatch, pairing, output, pollDelay, VillagePollTimeout).RunAsync(households, cadreIds, fileSuffix, error, cancellationToken))
            {
                return ExitCodes.Failure;
            }

            current = assessment;
            if (!await new AssessmentSeeder(assessment, output, pollDelay, ForcesEventsTimeout, ScoringRunTimeout)
                .RunAsync(plan, cadreIds, generator.ReferenceMonth, error, cancellationToken))
            {
                return ExitCodes.Failure;
            }

            if (identityUri is null)
            {
                await SayAsync("demo accounts: none without the identity service (--authority)", cancellationToken);
                return ExitCodes.Success;
            }

            current = new ServiceClient(client, identityUri, token, error, retryDelay);
            await new DemoAccountsSeeder(current, output).RunAsync(DemoAccountsSeeder.Plan(plan, cadreIds, seed), accountsFile, cancellationToken);
            return ExitCodes.Success;
        }
        catch (UnexpectedAnswerException e)
        {
            // The body is the problem details (RFC 9457), with every rejected row of a file: print it whole for the operator.
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync(e.Answer.Body);
            return ExitCodes.Failure;
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"error: cannot reach {current.Authority}: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"error: no answer from {current.Authority} within {Timeout.TotalMinutes:F0} minutes");
            return ExitCodes.Failure;
        }

        async Task SayAsync(string line, CancellationToken ct)
        {
            await output.WriteLineAsync(line);
            await output.FlushAsync(ct);
        }
    }

    /// <summary>Generates the region file in memory (even the province is only a few megabytes) and imports it.</summary>
    private async Task<bool> SeedRegionsAsync(ServiceClient dispatch, GenerationScale scale, int seed, string fileSuffix, CancellationToken cancellationToken)
    {
        // fileName is recorded with the import (region_imports.file_name), so an auditor sees which demo file was loaded.
        var fileName = $"demo-{fileSuffix}.csv";
        RequestInformation Import(Stream body) =>
            ForcesSeeder.Api(dispatch).Regions.Import.ToPostRequestInformation(body, c => c.QueryParameters.FileName = fileName);
        var stopwatch = Stopwatch.StartNew();
        GenerationSummary summary;
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, RegionCsvWriter.Encoding, leaveOpen: true))
        {
            summary = new ProvinceGenerator(seed).WriteCsv(writer, scale);
        }

        await SayAsync($"generated {summary} ({buffer.Length:N0} bytes) in {stopwatch.Elapsed.TotalSeconds:F1} s");
        var file = buffer.ToArray();
        await SayAsync($"POST {dispatch.AddressOf(Import(Stream.Null))}");
        var answer = await dispatch.SendFileAsync(Import, file, cancellationToken);
        if (!answer.IsSuccess)
        {
            await error.WriteLineAsync(answer.StatusLine);
            await error.WriteLineAsync(answer.Body);
            return false;
        }

        var elapsed = answer.Elapsed.TotalSeconds;
        await SayAsync(answer.StatusLine);
        await SayAsync(answer.Body);
        await SayAsync(string.Create(CultureInfo.InvariantCulture, $"{summary.Rows:N0} rows in {elapsed:F1} s ({summary.Rows / elapsed:N0} rows/s)"));
        return true;

        async Task SayAsync(string line)
        {
            await output.WriteLineAsync(line);
            await output.FlushAsync(cancellationToken);
        }
    }

    private static Uri ParseBaseUri(ParsedOptions options) => ParseUri(options, Url);

    private static Uri ParseUri(ParsedOptions options, OptionSpec option)
    {
        var text = options.GetRequired(option.Name);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw options.Fail($"option '--{option.Name}' must be an absolute http or https address, got '{text}'");
    }

    /// <summary>The option, or the dispatch address with port 5100 replaced by the service's (a gateway's address serves them all).</summary>
    private static Uri ParseServiceUri(ParsedOptions options, OptionSpec option, Uri baseUri, int defaultPort) =>
        options.IsGiven(option.Name)
            ? ParseUri(options, option)
            : baseUri.Port == 5100 ? new UriBuilder(baseUri) { Port = defaultPort }.Uri : baseUri;

    /// <summary>Today in China unless given; never later, as dispatch refuses check-ins in the future.</summary>
    private static DateOnly ParseAsOf(ParsedOptions options)
    {
        var today = ChinaTime.Today();
        if (options.Get(AsOf.Name) is not { } text)
        {
            return today;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            throw options.Fail($"option '--{AsOf.Name}' must be a date as yyyy-MM-dd, got '{text}'");
        }

        return day <= today ? day : throw options.Fail($"option '--{AsOf.Name}' must not be later than today ({today:yyyy-MM-dd}), got '{text}'");
    }
}
