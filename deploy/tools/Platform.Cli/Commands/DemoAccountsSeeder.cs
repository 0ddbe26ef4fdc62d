using System.Globalization;
using System.Net;
using System.Text;
using Platform.ApiClients.Identity;
using Platform.ApiClients.Identity.Api.Identity.Accounts;
using Platform.ApiClients.Identity.Models;
using Platform.Cli.DemoData;
using Platform.Security;

namespace Platform.Cli.Commands;

/// <summary>
/// Creates the demo accounts through the identity service's admin API (<c>POST api/identity/accounts</c>): an
/// administrator of the province, the demo city, county and one of its townships, a cadre linked to a seeded first
/// secretary (region: the village), and an auditor of the county. Their passwords are fixed and printed: the identity
/// service makes each person change it at the first sign-in. An account already there (409 <c>account_exists</c>) is left alone.
/// </summary>
internal sealed class DemoAccountsSeeder(ServiceClient identity, TextWriter output)
{
    /// <summary>The village whose first secretary gets the demo cadre account, when the plan gives it one.</summary>
    public const string DemoVillage = "511702104203";

    public sealed record DemoAccount(string UserName, string DisplayName, string Role, string Region, Guid? CadreId, string Password);

    /// <summary>The identity service's accounts, as its generated client describes them (docs/api/openapi/identity.json).</summary>
    private AccountsRequestBuilder Accounts => identity.Contract(adapter => new IdentityApiClient(adapter)).Api.Identity.Accounts;

    /// <summary>The six accounts, from the seeded regions and forces (the same for every scale: each holds the demo county).</summary>
    public static IReadOnlyList<DemoAccount> Plan(ForcesPlan plan, IReadOnlyDictionary<string, Guid> cadreIds, int seed)
    {
        var county = ProvinceGenerator.DemoCountyCode[..6];
        var secretary = plan.Assignments
            .Where(a => a.Force == ForceCodes.FirstSecretary && a.CadreCitizenId is not null && a.VillageCode.StartsWith(county, StringComparison.Ordinal))
            .OrderBy(a => a.VillageCode == DemoVillage ? 0 : 1).ThenBy(a => a.VillageCode, StringComparer.Ordinal)
            .First();
        var cadre = plan.Cadres.Single(c => c.CitizenId == secretary.CadreCitizenId);
        var township = secretary.VillageCode[..9];
        var townshipName = new ProvinceGenerator(seed).Generate(GenerationScale.County).Single(r => r.Code == township + "000").Name;

        return
        [
            new("demo-province", "省级管理员（演示）", Roles.Province, ProvinceGenerator.ProvinceCode[..2], null, "Demo-Province-2026"),
            new("demo-city", "市级管理员（演示）", Roles.City, ProvinceGenerator.DemoCityCode[..4], null, "Demo-City-2026"),
            new("demo-county", "县级管理员（演示）", Roles.County, county, null, "Demo-County-2026"),
            new("demo-township", $"{townshipName}管理员（演示）", Roles.Township, township, null, "Demo-Township-2026"),
            // A cadre's user name is dispatch's id of the cadre: the services compare a cadre's sub with it (check-ins, leave, records).
            new(cadreIds[cadre.CitizenId].ToString("D"), cadre.Name, Roles.Cadre, secretary.VillageCode, cadreIds[cadre.CitizenId], "Demo-Cadre-2026"),
            new("demo-auditor", "审计员（演示）", Roles.Auditor, county, null, "Demo-Auditor-2026"),
        ];
    }

    /// <summary>Creates each account, writes them all to <paramref name="accountsFile"/> (when given) and prints the table.</summary>
    public async Task RunAsync(IReadOnlyList<DemoAccount> accounts, string? accountsFile, CancellationToken cancellationToken)
    {
        var created = new List<bool>();
        foreach (var account in accounts)
        {
            var request = new CreateAccountRequest
            {
                UserName = account.UserName,
                DisplayName = account.DisplayName,
                Role = account.Role,
                Region = account.Region,
                CadreId = account.CadreId,
                InitialPassword = account.Password,
            };
            var answer = await identity.SendAsync(() => Accounts.ToPostRequestInformation(request), cancellationToken);
            created.Add(answer.Status == HttpStatusCode.Conflict && answer.ProblemCode == "account_exists"
                ? false
                : answer.IsSuccess ? true : throw new UnexpectedAnswerException($"creating the demo account {account.UserName}", answer));
        }

        if (accountsFile is not null)
        {
            await WriteFileAsync(accounts, accountsFile, cancellationToken);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"demo accounts: {created.Count(c => c)} created, {created.Count(c => !c)} already there{(accountsFile is null ? string.Empty : $" (written to {accountsFile})")}; each must change its password at the first sign-in"));
        await output.WriteAsync(Table(["用户名", "显示名", "角色", "区划", "初始密码", "状态"],
            accounts.Select((a, i) => new[] { a.UserName, a.DisplayName, a.Role, a.Region, a.Password, created[i] ? "新建" : "已存在（密码或已修改）" })));
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>Lines <c>userName TAB displayName TAB role TAB region TAB password</c>, readable by the owner only.</summary>
    private static async Task WriteFileAsync(IReadOnlyList<DemoAccount> accounts, string path, CancellationToken cancellationToken)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var text = string.Concat(accounts.Select(a => $"{a.UserName}\t{a.DisplayName}\t{a.Role}\t{a.Region}\t{a.Password}\n"));
        await File.WriteAllTextAsync(path, text, new UTF8Encoding(false), cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Columns padded by display width: a Chinese character takes two cells of a terminal.</summary>
    public static string Table(IReadOnlyList<string> headers, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend([.. headers]).ToList();
        var widths = Enumerable.Range(0, headers.Count).Select(i => all.Max(r => Width(r[i]))).ToList();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            for (var i = 0; i < row.Length; i++)
            {
                text.Append(row[i]);
                if (i < row.Length - 1)
                {
                    text.Append(new string(' ', widths[i] - Width(row[i]) + 2));
                }
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static int Width(string text) => text.Sum(c => c >= '\u2E80' ? 2 : 1);
}
