// Container HEALTHCHECK for images without a shell or curl (the chiseled ASP.NET runtime image):
// `dotnet /probe/Platform.HealthProbe.dll http://127.0.0.1:8080/health/live` exits 0 when the URL
// answers 2xx within the timeout, 1 otherwise. Kubernetes does not use it (its probes are httpGet).
var url = args.Length > 0 ? args[0] : "http://127.0.0.1:8080/health/live";
var timeout = TimeSpan.FromSeconds(args.Length > 1 && int.TryParse(args[1], out var s) ? s : 3);
try
{
    using var http = new HttpClient { Timeout = timeout };
    using var response = await http.GetAsync(url);
    Console.WriteLine($"{url}: {(int)response.StatusCode}");
    return response.IsSuccessStatusCode ? 0 : 1;
}
catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
{
    Console.WriteLine($"{url}: {e.Message}");
    return 1;
}
