using System.Net;
using System.Net.Sockets;

namespace TatamiTech.Hosting.LocalPostgres.Tests;

/// <summary>
/// A loopback port that refuses connections until <see cref="Open"/>, then passes each one on to a server: a server
/// that is still starting, as the health check first meets it.
/// </summary>
internal sealed class DelayedPort : IAsyncDisposable
{
    private readonly int _target;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    public DelayedPort(int target)
    {
        _target = target;
        // A free port, closed again until Open: connecting to it is refused, as to a server not listening yet.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener = new TcpListener(IPAddress.Loopback, Port);
    }

    public int Port { get; }

    public void Open()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = PassOnAsync(client);
        }
    }

    private async Task PassOnAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                await Task.WhenAny(
                    client.GetStream().CopyToAsync(server.GetStream(), _stop.Token),
                    server.GetStream().CopyToAsync(client.GetStream(), _stop.Token));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // Either side closing ends the pair.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
