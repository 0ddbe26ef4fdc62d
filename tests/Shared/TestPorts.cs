using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>
/// Ports for the private servers a test starts (a service's Kestrel, a PostgreSQL, a RabbitMQ node).
/// </summary>
/// <remarks>
/// The kernel's own pick (bind to port 0) comes from the ephemeral range, the same range it hands to every outgoing
/// connection: in the seconds between the pick and the server's bind, a connection to PostgreSQL or RabbitMQ can take
/// the port, and the server then dies at start with "address already in use". So a port is drawn below that range,
/// where no outgoing connection lands, checked free by binding it, and never handed out twice by one test process.
/// </remarks>
public static class TestPorts
{
    private const int Lowest = 15000;
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    public static int Free()
    {
        var below = EphemeralRangeStart();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(Lowest, below);
            if (HandedOut.TryAdd(port, true) && CanBind(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free port between {Lowest} and {below} after 1000 tries");
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Server.ExclusiveAddressUse = true;
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Linux's /proc/sys/net/ipv4/ip_local_port_range (32768 by default; lower on some hosts).</summary>
    private static int EphemeralRangeStart()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(RangeFile))
        {
            var first = File.ReadAllText(RangeFile).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0];
            if (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start) && start > Lowest + 1000)
            {
                return start;
            }
        }

        return 32768;
    }
}
