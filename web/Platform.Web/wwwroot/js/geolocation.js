// The phone's position and clock for check-ins and visits (Features/Phone/DeviceLocation.cs). The device's time is sent
// beside the position and kept by the service; the server's clock decides the day.

/** The device's time now (ISO 8601, UTC) and its local date (yyyy-MM-dd). */
export function deviceClock() {
  const now = new Date();
  const pad = n => String(n).padStart(2, '0');
  return { at: now.toISOString(), today: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}` };
}

/**
 * One fresh position. Resolves (never rejects) to { ok, latitude, longitude, accuracy, at, error }:
 * error is "unsupported", "denied" (code 1), "unavailable" (2) or "timeout" (3).
 */
export function currentPosition(timeoutMs) {
  return new Promise(resolve => {
    const at = new Date().toISOString();
    if (!('geolocation' in navigator)) {
      resolve({ ok: false, error: 'unsupported', at });
      return;
    }
    navigator.geolocation.getCurrentPosition(
      p => resolve({ ok: true, latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy, at: new Date(p.timestamp).toISOString() }),
      e => resolve({ ok: false, error: e.code === 1 ? 'denied' : e.code === 3 ? 'timeout' : 'unavailable', at }),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 0 });
  });
}
