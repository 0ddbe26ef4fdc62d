using System.Net.Http.Headers;
using System.Text;
using Platform.Security;

namespace Platform.FaultTests.Infrastructure;

/// <summary>Settings, tokens and demo regions shared by the fault tests' services.</summary>
public static class FaultPlatform
{
    public static readonly AuthOptions Auth = new()
    {
        Issuer = "platform-fault",
        Audience = "platform",
        SigningKey = "fault-tests-signing-key-0123456789abcdef-0123",
    };

    public static string ProvinceToken() => DevelopmentTokens.Create(Auth, "fault-test-province", [Roles.Province], "51");

    /// <summary>What every service process gets: its database, the broker, the development key, the other services.</summary>
    public static Dictionary<string, string> Settings(string connectionString, int rabbitPort, int dispatchGrpcPort, int pairingGrpcPort) => new()
    {
        ["ConnectionStrings__Database"] = connectionString,
        ["RabbitMq__Host"] = "127.0.0.1",
        ["RabbitMq__Port"] = rabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq__VirtualHost"] = "/",
        ["RabbitMq__Username"] = PrivateRabbitMq.User,
        ["RabbitMq__Password"] = PrivateRabbitMq.Password,
        ["Auth__Issuer"] = Auth.Issuer,
        ["Auth__Audience"] = Auth.Audience,
        ["Auth__SigningKey"] = Auth.SigningKey!,
        ["PersonalData__CurrentKeyId"] = "fault",
        ["PersonalData__Keys__fault"] = Convert.ToBase64String(Encoding.ASCII.GetBytes("personal-data-fault-key-32bytes!")),
        ["PersonalData__IndexKey"] = Convert.ToBase64String(Encoding.ASCII.GetBytes("personal-data-fault-index-32byte")),
        ["Services__Dispatch__Grpc"] = $"http://127.0.0.1:{dispatchGrpcPort}",
        ["Services__Pairing__Grpc"] = $"http://127.0.0.1:{pairingGrpcPort}",
        ["Pairing__Jobs__Enabled"] = "false",
        ["Notification__Jobs__Enabled"] = "false",
    };

    /// <summary>
    /// The gateway in front of <paramref name="dispatch"/> and <paramref name="pairing"/> (its YARP clusters are
    /// configuration; the services this run does not start point at a closed port) with the rate limit lifted: the
    /// stream's one client would otherwise be limited as one caller.
    /// </summary>
    public static Dictionary<string, string> GatewaySettings(ServiceProcess dispatch, ServiceProcess pairing)
    {
        var settings = new Dictionary<string, string>
        {
            ["Auth__Issuer"] = Auth.Issuer,
            ["Auth__Audience"] = Auth.Audience,
            ["Auth__SigningKey"] = Auth.SigningKey!,
            ["Gateway__PermitsPerSecond"] = "100000",
            ["Gateway__Burst"] = "100000",
            ["ReverseProxy__Clusters__console__Destinations__primary__Address"] = "http://127.0.0.1:1",
            ["ReverseProxy__Clusters__identity_rest__Destinations__primary__Address"] = "http://127.0.0.1:1",
        };
        foreach (var service in new[] { "dispatch", "pairing", "funds", "assessment", "notification" })
        {
            var running = service switch { "dispatch" => dispatch, "pairing" => pairing, _ => null };
            settings[$"ReverseProxy__Clusters__{service}_rest__Destinations__primary__Address"] = running?.RestUri.ToString().TrimEnd('/') ?? "http://127.0.0.1:1";
            settings[$"ReverseProxy__Clusters__{service}_grpc__Destinations__primary__Address"] = running?.GrpcUri.ToString().TrimEnd('/') ?? "http://127.0.0.1:1";
        }

        return settings;
    }

    /// <summary>Waits until a request through the gateway reaches dispatch (its active health check has seen it).</summary>
    public static async Task WaitProxiedAsync(Uri gateway, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync("/openapi/dispatch.json");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the gateway at {gateway} did not reach dispatch within {timeout.TotalSeconds} s (last: {last})");
    }

    public static HttpClient Client(Uri address)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProvinceToken());
        return client;
    }

    public const string Township = "511702104000";

    /// <summary>Village i (0-based) of the test county: 511702104201, 511702104202, ...</summary>
    public static string Village(int i) => $"511702104{201 + i:000}";

    /// <summary>
    /// A second township of the test county with <paramref name="villages"/> non-poor villages, as UTF-8 CSV (parents
    /// already imported): the stream's villages are not touched.
    /// </summary>
    public static byte[] SecondTownship(int villages)
    {
        var csv = new StringBuilder("区划代码,名称,层级,上级代码,村类别,基础设施,产业发展,社会治理,人口,贫困户数,经度,纬度\n")
            .Append("511702105000,南山镇,乡,511702000000,,,,,,,,\n");
        for (var i = 0; i < villages; i++)
        {
            csv.Append($"511702105{201 + i:000},南山{i + 1}村,村,511702105000,非贫困村,40,35,55,1820,0,107.501234,31.212345\n");
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    /// <summary>A region file: province 51, city 5117, county 511702, one township, <paramref name="villages"/> poor villages.</summary>
    public static StringContent Regions(int villages)
    {
        var csv = new StringBuilder("区划代码,名称,层级,上级代码,村类别,基础设施,产业发展,社会治理,人口,贫困户数,经度,纬度\n")
            .Append("510000000000,示范省,省,,,,,,,,,\n")
            .Append("511700000000,达州市,市,510000000000,,,,,,,,\n")
            .Append("511702000000,通川区,县,511700000000,,,,,,,,\n")
            .Append($"{Township},北山镇,乡,511702000000,,,,,,,,\n");
        for (var i = 0; i < villages; i++)
        {
            csv.Append($"{Village(i)},试点{i + 1}村,村,{Township},贫困村,40,35,55,1820,132,107.501234,31.212345\n");
        }

        return new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
    }
}
