using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace InferenceServer.Core.Caching;

/// <summary>
/// One connection to a Redis server speaking RESP2, with the four commands the response cache needs (AUTH, SELECT, GET,
/// SET … EX). Commands go out as arrays of bulk strings; replies come back as
/// <code>
/// +OK\r\n | -ERR message\r\n | :42\r\n | $5\r\nhello\r\n | $-1\r\n (nil)
/// </code>
/// One command at a time: the cache lends a connection to one lookup or store. A cancelled or failed command leaves the
/// stream at an unknown point, so its connection is disposed, never reused.
/// </summary>
internal sealed class RespConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RespConnection(Socket socket) => _socket = socket;

    public static async Task<RespConnection> OpenAsync(RedisCacheSettings settings, CancellationToken cancellation)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connection = new RespConnection(socket);
        try
        {
            await socket.ConnectAsync(settings.Host, settings.Port, cancellation).ConfigureAwait(false);
            if (settings.Password.Length > 0)
            {
                await (settings.User.Length > 0
                    ? connection.CommandAsync(cancellation, "AUTH"u8.ToArray(), Encoding.UTF8.GetBytes(settings.User), Encoding.UTF8.GetBytes(settings.Password))
                    : connection.CommandAsync(cancellation, "AUTH"u8.ToArray(), Encoding.UTF8.GetBytes(settings.Password))).ConfigureAwait(false);
            }

            if (settings.Database != 0)
            {
                await connection.CommandAsync(cancellation, "SELECT"u8.ToArray(), Number(settings.Database)).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The value under <paramref name="key"/>; null when there is none.</summary>
    public Task<byte[]?> GetAsync(byte[] key, CancellationToken cancellation) => CommandAsync(cancellation, "GET"u8.ToArray(), key);

    /// <summary>Sets <paramref name="key"/>, expiring after <paramref name="ttlSeconds"/> (0: never).</summary>
    public Task<byte[]?> SetAsync(byte[] key, byte[] value, long ttlSeconds, CancellationToken cancellation) =>
        ttlSeconds > 0
            ? CommandAsync(cancellation, "SET"u8.ToArray(), key, value, "EX"u8.ToArray(), Number(ttlSeconds))
            : CommandAsync(cancellation, "SET"u8.ToArray(), key, value);

    public void Dispose() => _socket.Dispose();

    private static byte[] Number(long value) => Encoding.ASCII.GetBytes(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    // Sends one command and reads its reply: a bulk string's bytes, a simple string's or integer's text, or null for nil.
    private async Task<byte[]?> CommandAsync(CancellationToken cancellation, params byte[][] arguments)
    {
        var writer = new ArrayBufferWriter<byte>(64 + arguments.Sum(a => a.Length + 16));
        WriteHeader(writer, (byte)'*', arguments.Length);
        foreach (var argument in arguments)
        {
            WriteHeader(writer, (byte)'$', argument.Length);
            writer.Write(argument);
            writer.Write("\r\n"u8);
        }

        var command = writer.WrittenMemory;
        while (!command.IsEmpty)
        {
            var sent = await _socket.SendAsync(command, SocketFlags.None, cancellation).ConfigureAwait(false);
            command = command[sent..];
        }

        return await ReadReplyAsync(cancellation).ConfigureAwait(false);
    }

    private static void WriteHeader(ArrayBufferWriter<byte> writer, byte kind, int length)
    {
        var span = writer.GetSpan(24);
        span[0] = kind;
        Utf8Formatter.TryFormat(length, span[1..], out var written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        writer.Advance(3 + written);
    }

    private async Task<byte[]?> ReadReplyAsync(CancellationToken cancellation)
    {
        var line = await ReadLineAsync(cancellation).ConfigureAwait(false);
        var kind = line[0];
        var text = line[1..];
        switch (kind)
        {
            case (byte)'+':
            case (byte)':':
                return text;
            case (byte)'-':
                throw new IOException($"Redis answered: {Encoding.UTF8.GetString(text)}");
            case (byte)'$':
                if (!Utf8Parser.TryParse(text, out long length, out _) || length < -1 || length > int.MaxValue - 2)
                {
                    throw new IOException("Redis sent a malformed bulk length");
                }

                if (length < 0)
                {
                    return null;
                }

                var value = new byte[length];
                await ReadExactlyAsync(value, cancellation).ConfigureAwait(false);
                await ReadExactlyAsync(new byte[2], cancellation).ConfigureAwait(false);
                return value;
            default:
                throw new IOException($"Redis sent an unexpected reply type '{(char)kind}'");
        }
    }

    private async Task<byte[]> ReadLineAsync(CancellationToken cancellation)
    {
        while (true)
        {
            var end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                var line = _buffer.AsSpan(_start, end).ToArray();
                _start += end + 2;
                if (line.Length == 0)
                {
                    throw new IOException("Redis sent an empty reply line");
                }

                return line;
            }

            await FillAsync(cancellation).ConfigureAwait(false);
        }
    }

    private async Task ReadExactlyAsync(byte[] destination, CancellationToken cancellation)
    {
        var copied = 0;
        while (copied < destination.Length)
        {
            if (_start == _end)
            {
                await FillAsync(cancellation).ConfigureAwait(false);
            }

            var take = Math.Min(_end - _start, destination.Length - copied);
            _buffer.AsSpan(_start, take).CopyTo(destination.AsSpan(copied));
            _start += take;
            copied += take;
        }
    }

    private async Task FillAsync(CancellationToken cancellation)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellation).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException("Redis closed the connection");
        }

        _end += read;
    }
}
