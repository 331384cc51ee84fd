using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> (Debian's package; tests/run.sh installs it) on a free loopback port, with no persistence
/// and the DEBUG command on (the slow-server test puts it to sleep). Killed and its directory removed on dispose.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private RedisServer(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    /// <summary>The <c>--cache-config</c> values that point a server at this Redis.</summary>
    public IReadOnlyList<string> CacheConfig => ["redis,host=127.0.0.1", $"redis,port={Port}", "redis,wait_timeout_ms=200", "redis,connect_timeout_ms=500"];

    public static async Task<RedisServer> StartAsync()
    {
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("redis-functional-tests").FullName;
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--enable-debug-command", "yes", "--dir", directory },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.BeginOutputReadLine();
        var server = new RedisServer(process, port, directory);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            // Redis opens its port once it is ready: the connection is the signal.
            try
            {
                if (await server.CommandAsync("PING").WithTimeout() == "+PONG")
                {
                    return server;
                }
            }
            catch (SocketException) when (deadline.Elapsed < TestTimeouts.Server && !process.HasExited)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Sends one inline command on a connection of its own and returns the first reply line.</summary>
    public async Task<string> CommandAsync(string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync() ?? "";
    }

    /// <summary>
    /// Puts the server to sleep for <paramref name="seconds"/> (DEBUG SLEEP blocks its one command thread), returning once
    /// it no longer answers; the task completes when it wakes.
    /// </summary>
    public async Task<Task> SleepAsync(int seconds)
    {
        var sleeping = CommandAsync($"DEBUG SLEEP {seconds}");
        while (true)
        {
            if (sleeping.IsCompleted)
            {
                throw new InvalidOperationException($"DEBUG SLEEP answered at once: {await sleeping}");
            }

            var ping = CommandAsync("PING");
            if (await Task.WhenAny(ping, Task.Delay(100)) != ping)
            {
                return sleeping;
            }
        }
    }

    /// <summary>Kills the server at once, as a crash would.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit(TestTimeouts.Server);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
