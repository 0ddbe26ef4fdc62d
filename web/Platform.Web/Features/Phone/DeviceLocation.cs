using Microsoft.JSInterop;

namespace Platform.Web.Features.Phone;

/// <summary>What the phone said: its position (or why there is none) and its own time.</summary>
public sealed record DevicePosition(bool Ok, double Latitude, double Longitude, double Accuracy, DateTimeOffset At, string? Error)
{
    /// <summary>Why there is no position, in words a cadre can act on.</summary>
    public string ErrorMessage => Error switch
    {
        "denied" => "无法获取位置：您未允许本网站使用定位。请在浏览器或手机设置中允许“位置信息”后重试。",
        "timeout" => "获取位置超时，请到室外或信号较好的地方重试。",
        "unsupported" => "此浏览器不支持定位，请换用手机自带浏览器或微信打开。",
        _ => "暂时无法获取位置，请打开手机的定位服务后重试。",
    };
}

/// <summary>The device's clock: the instant (sent as the client's time) and its local date.</summary>
public sealed record DeviceClock(DateTimeOffset At, DateOnly Today);

/// <summary>The browser's geolocation and clock (wwwroot/js/geolocation.js), one module per circuit.</summary>
public sealed class DeviceLocation(IJSRuntime js) : IAsyncDisposable
{
    private IJSObjectReference? module;

    public async Task<DevicePosition> CurrentPositionAsync(CancellationToken cancellationToken = default) =>
        await (await ModuleAsync()).InvokeAsync<DevicePosition>("currentPosition", cancellationToken, 15_000);

    public async Task<DeviceClock> ClockAsync(CancellationToken cancellationToken = default)
    {
        var clock = await (await ModuleAsync()).InvokeAsync<ClockAnswer>("deviceClock", cancellationToken);
        return new DeviceClock(clock.At, DateOnly.ParseExact(clock.Today, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<IJSObjectReference> ModuleAsync() => module ??= await js.InvokeAsync<IJSObjectReference>("import", "./js/geolocation.js");

    public async ValueTask DisposeAsync()
    {
        if (module is not null)
        {
            try
            {
                await module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone with the browser tab: nothing left to release.
            }
        }
    }

    private sealed record ClockAnswer(DateTimeOffset At, string Today);
}
