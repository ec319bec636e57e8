using System.Net;
using System.Net.Sockets;

namespace ChatMonolith.Testing;

/// <summary>
/// A loopback TCP proxy in front of PostgreSQL or Redis, so a test can take the server away from the hosts behind it
/// without stopping a server other test classes share: <see cref="CutAsync"/> is the server going down (connections
/// broken, new ones refused), <see cref="Freeze"/> a connection that dies silently (it stays open, nothing gets
/// through: a dead NAT entry, a stuck proxy).
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly string _targetHost;
    private volatile int _targetPort;
    private readonly Lock _gate = new();
    private readonly List<Pair> _pairs = [];
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public TcpProxy(string targetHost, int targetPort)
    {
        (_targetHost, _targetPort) = (targetHost, targetPort);
        Port = FreePort();
        Listen();
    }

    public int Port { get; }

    /// <summary>Where new connections go: a restarted server on a new port is reached at the same address.</summary>
    public int TargetPort
    {
        get => _targetPort;
        set => _targetPort = value;
    }

    /// <summary>Picks a loopback port nobody listens on.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The server goes away: every connection through the proxy breaks, and new ones are refused.</summary>
    public async Task CutAsync()
    {
        var listener = _listener;
        _listener = null;
        listener?.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        List<Pair> pairs;
        lock (_gate)
        {
            pairs = [.. _pairs];
            _pairs.Clear();
        }

        foreach (var pair in pairs)
        {
            pair.Close();
        }
    }

    /// <summary>The server is back: new connections go through again.</summary>
    public void Resume() => Listen();

    /// <summary>Every connection open now stays open but carries nothing more, either way; new ones work.</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            foreach (var pair in _pairs)
            {
                pair.Frozen = true;
            }
        }
    }

    /// <summary>Every connection open now still carries what the client sends, but nothing comes back: answers are lost.</summary>
    public void FreezeReplies()
    {
        lock (_gate)
        {
            foreach (var pair in _pairs)
            {
                pair.RepliesFrozen = true;
            }
        }
    }

    public async ValueTask DisposeAsync() => await CutAsync();

    private void Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _accepting = AcceptAsync(listener);
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(_targetHost, _targetPort);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            var pair = new Pair(client, server);
            lock (_gate)
            {
                _pairs.Add(pair);
            }

            _ = pair.RunAsync();
        }
    }

    private sealed class Pair(TcpClient client, TcpClient server)
    {
        public volatile bool Frozen;

        public volatile bool RepliesFrozen;

        public async Task RunAsync()
        {
            await Task.WhenAny(PumpAsync(client.GetStream(), server.GetStream(), replies: false), PumpAsync(server.GetStream(), client.GetStream(), replies: true));
            Close();
        }

        public void Close()
        {
            client.Dispose();
            server.Dispose();
        }

        private async Task PumpAsync(NetworkStream from, NetworkStream to, bool replies)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReadAsync(buffer);
                    if (read == 0)
                    {
                        return;
                    }

                    // Frozen: what arrives is swallowed, as by a dead link.
                    if (!Frozen && !(replies && RepliesFrozen))
                    {
                        await to.WriteAsync(buffer.AsMemory(0, read));
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
            }
        }
    }
}
