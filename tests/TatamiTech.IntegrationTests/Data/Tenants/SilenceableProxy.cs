using System.Net.Sockets;

namespace TatamiTech.IntegrationTests.Data.Tenants;

/// <summary>
/// A TCP proxy in front of one server that can go silent on the connections it holds, as a load balancer or a NAT
/// that forgot an idle connection: from then on it reads what either side sends and passes none of it on, and
/// closes neither socket, so neither end learns anything. Connections made after that are forwarded as usual.
/// </summary>
public sealed class SilenceableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Relay> _relays = [];
    private readonly Task _accepting;

    public SilenceableProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <returns>How many open connections went silent.</returns>
    public int SilenceOpenConnections()
    {
        lock (_relays)
        {
            var open = _relays.Where(r => !r.Silent).ToList();
            foreach (var relay in open)
            {
                relay.Silent = true;
            }

            return open.Count;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        List<Relay> relays;
        lock (_relays)
        {
            relays = [.. _relays];
        }

        foreach (var relay in relays)
        {
            relay.Dispose();
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(_targetHost, _targetPort, ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            var relay = new Relay(client, server);
            lock (_relays)
            {
                _relays.Add(relay);
            }

            _ = relay.PumpAsync(client, server, ct);
            _ = relay.PumpAsync(server, client, ct);
        }
    }

    private sealed class Relay(TcpClient client, TcpClient server) : IDisposable
    {
        public volatile bool Silent;

        public async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken ct)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.GetStream().ReadAsync(buffer, ct);
                    if (read == 0)
                    {
                        break;
                    }

                    if (!Silent)
                    {
                        await to.GetStream().WriteAsync(buffer.AsMemory(0, read), ct);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // One side went away, or the proxy stops.
            }

            // A silent proxy passes on no end either; a forwarding one passes the close to the other side.
            if (!Silent)
            {
                Dispose();
            }
        }

        public void Dispose()
        {
            client.Dispose();
            server.Dispose();
        }
    }
}
