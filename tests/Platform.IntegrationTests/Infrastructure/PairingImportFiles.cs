using System.Net.Http.Json;
using System.Text.Json;
using Platform.Security.PersonalData;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>Households for the bulk import tests of pairing, and reading an import's answer.</summary>
public static class PairingImportFiles
{
    /// <summary>The head's citizen ID of test household <paramref name="n"/> (1-999), registered in village 511702104201.</summary>
    public static string Head(int n)
    {
        var first17 = $"51170219750101{n:D3}";
        return first17 + CitizenId.CheckCharacter(first17);
    }

    /// <summary>Imports households 测户n for the given numbers (an upsert: importing them again changes nothing).</summary>
    public static async Task ImportHouseholdsAsync(HttpClient client, params int[] numbers)
    {
        using var response = await client.PostAsync("/api/pairing/households/import", RegionFiles.Csv(
            "户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n"
            + string.Concat(numbers.Select(n => $"测户{n},{Head(n)},3,511702104201,因病,一般贫困,中,未脱贫\n"))));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A refused import's problem code followed by every error as "line:code".</summary>
    public static async Task<string[]> ErrorsAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [problem.GetProperty("code").GetString()!, .. problem.GetProperty("errors").EnumerateArray()
            .Select(e => $"{e.GetProperty("line").GetInt64()}:{e.GetProperty("code").GetString()}")];
    }
}
