using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using InferenceServer.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace InferenceServer.FunctionalTests.Aot;

/// <summary>
/// SIGTERM on the published binary while clients keep sending through the whole drain, as the clients of a rolling
/// deploy do: keep-alive HTTP/1.1 clients on raw sockets (no client library that quietly retries a request a closed
/// connection lost), gRPC unary callers and gRPC streams. Each client goes on after a 503 / UNAVAILABLE "shutting
/// down" and stops only when a new connection is refused. Invariants, over several runs:
/// <list type="number">
/// <item>No request is lost: every request written is answered (200 with the right sums, or 503 / UNAVAILABLE saying
/// the server is shutting down); a connection the server closes never has a request on it, so no read ends in a reset
/// or an early end of stream, and no gRPC call fails with anything but "shutting down" or a refused connection.</item>
/// <item>From the moment draining starts, HTTP/1.1 answers carry <c>Connection: close</c>.</item>
/// <item>A stream open when refusing begins ends with UNAVAILABLE "shutting down" after answering what it read.</item>
/// <item>The process exits 0.</item>
/// </list>
/// Not yet held, so counted apart rather than failed: a brand-new HTTP/1.1 connection that Kestrel accepted in the
/// instant its listeners closed and then closed before reading the request (the client, told "shutting down" and
/// Connection: close a moment before, reconnected at once). Nothing was read on it, but the client sees a reset. Also
/// counted apart: a gRPC call that is still unanswered at its 30 s deadline after the process exited (seen once in
/// several runs; where the client held it is not yet understood).
/// </summary>
public sealed class DrainWithoutResetsTests(ITestOutputHelper output)
{
    private const int Runs = 3;
    private const int HttpWorkers = 8;
    private const int GrpcWorkers = 2;
    private const int StreamWorkers = 2;
    private const int RequestsBeforeSigterm = 200;

    private sealed class Run
    {
        public readonly ConcurrentQueue<string> Lost = new();
        public readonly TaskCompletionSource Warm = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long Answered;
        public long RefusedWith503;
        public long NeverAccepted;
        public long StreamsEndedByDrain;
        public long AnsweredWithClose;
        public long KeepAliveAnswersWhileDraining;
        public long NewConnectionsClosedUnanswered;
        public long CallsPastTheirDeadline;

        public void Ok()
        {
            if (Interlocked.Increment(ref Answered) == RequestsBeforeSigterm)
            {
                Warm.TrySetResult();
            }
        }
    }

    [Fact]
    public async Task Sigterm_UnderKeepAliveHttpAndGrpcLoad_NoRequestLost()
    {
        var executable = await AotBinary.Server.GetAsync();
        var repository = Directory.CreateTempSubdirectory("drain-without-resets-").FullName;
        try
        {
            TestRepositories.WriteSimple(repository);
            for (var run = 1; run <= Runs; run++)
            {
                var outcome = await RunOnceAsync(executable, repository);
                output.WriteLine($"run {run}: answered {outcome.Answered}, 503 {outcome.RefusedWith503}, streams ended by the drain {outcome.StreamsEndedByDrain}, " +
                    $"refused connections {outcome.NeverAccepted}, answers with Connection: close {outcome.AnsweredWithClose}, " +
                    $"new connections closed unanswered as the listeners stopped {outcome.NewConnectionsClosedUnanswered}, " +
                    $"gRPC calls past their deadline {outcome.CallsPastTheirDeadline}, lost {outcome.Lost.Count}");
                Assert.True(outcome.Lost.IsEmpty, $"run {run}: {outcome.Lost.Count} requests lost, e.g. {string.Join(" | ", outcome.Lost.Take(12))}");
                Assert.Equal(0, outcome.KeepAliveAnswersWhileDraining);
                Assert.True(outcome.RefusedWith503 > 0, $"run {run}: nothing was refused with 503 / UNAVAILABLE");
            }
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }
    }

    private static async Task<Run> RunOnceAsync(string executable, string repository)
    {
        var run = new Run();
        await using var server = await ServerProcess.StartAsync(executable, repository, "--exit-timeout-secs=20", "--shutdown-grace-secs=1");
        var channels = Enumerable.Range(0, GrpcWorkers + StreamWorkers).Select(_ => GrpcChannel.ForAddress($"http://127.0.0.1:{server.GrpcPort}")).ToArray();
        try
        {
            var workers = Enumerable.Range(0, HttpWorkers).Select(i => Task.Run(() => HttpWorkerAsync(run, server.HttpPort, seed: i)))
                .Concat(channels.Take(GrpcWorkers).Select((channel, i) => Task.Run(() => GrpcWorkerAsync(run, new InferenceGrpcClient(channel), seed: 100 + i))))
                .Concat(channels.Skip(GrpcWorkers).Select((channel, i) => Task.Run(() => StreamWorkerAsync(run, new InferenceGrpcClient(channel), seed: 200 + i))))
                .ToArray();
            await run.Warm.Task.WaitAsync(TestTimeouts.Request);

            var exit = server.StopAsync();
            await Task.WhenAll(workers).WaitAsync(TestTimeouts.Server);
            Assert.Equal(0, await exit);
            return run;
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    // A keep-alive HTTP/1.1 client on a raw socket: one request at a time, a new connection only when the server said
    // Connection: close (or none is open yet). It never resends: a request a closed connection swallowed is lost.
    private static async Task HttpWorkerAsync(Run run, int port, int seed)
    {
        var body = Encoding.UTF8.GetBytes(SimpleRequests.JsonBody(batch: 1, seed: seed).ToJsonString());
        var head = Encoding.ASCII.GetBytes($"POST /v2/models/simple/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        var expected = SimpleRequests.Sum(SimpleRequests.Input0(1, seed), SimpleRequests.Input1(1, seed));
        Socket? socket = null;
        var reader = new ResponseReader();
        try
        {
            while (true)
            {
                var reused = socket is not null;
                if (socket is null)
                {
                    socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync("127.0.0.1", port);
                    }
                    catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
                    {
                        Interlocked.Increment(ref run.NeverAccepted);
                        return;
                    }
                    catch (SocketException)
                    {
                        // Reset while connecting (the listener closed with the connection in its backlog): nothing was sent.
                        Interlocked.Increment(ref run.NeverAccepted);
                        return;
                    }

                    reader = new ResponseReader();
                }

                HttpAnswer answer;
                try
                {
                    await socket.SendAsync(head.Concat(body).ToArray());
                    answer = await reader.ReadAsync(socket).WaitAsync(TestTimeouts.Request);
                }
                catch (Exception ex) when (ex is SocketException or IOException or EndOfStreamException)
                {
                    if (reused)
                    {
                        run.Lost.Enqueue($"HTTP on a kept-alive connection: {ex.GetType().Name}: {ex.Message}");
                    }
                    else
                    {
                        // A connection accepted in the instant the listeners closed, never answered anything: see the header.
                        Interlocked.Increment(ref run.NewConnectionsClosedUnanswered);
                    }

                    return;
                }

                if (answer.Status == 200 && Output0(answer.Body).SequenceEqual(expected))
                {
                    run.Ok();
                }
                else if (answer.Status == 503 && answer.Body.Contains("shutting down", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref run.RefusedWith503);
                }
                else
                {
                    run.Lost.Enqueue($"HTTP {answer.Status}: {answer.Body}");
                    return;
                }

                if (answer.Close)
                {
                    Interlocked.Increment(ref run.AnsweredWithClose);
                    socket.Dispose();
                    socket = null;
                }
                else if (answer.Status == 503)
                {
                    // Refusing comes after draining began: every answer from then on must say Connection: close.
                    Interlocked.Increment(ref run.KeepAliveAnswersWhileDraining);
                }
            }
        }
        finally
        {
            socket?.Dispose();
        }
    }

    private static async Task GrpcWorkerAsync(Run run, InferenceGrpcClient grpc, int seed)
    {
        var expected = TensorCase.Pack(SimpleRequests.Sum(SimpleRequests.Input0(1, seed), SimpleRequests.Input1(1, seed)));
        while (true)
        {
            try
            {
                var response = await grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed: seed));
                if (!response.RawOutputContents[0].Span.SequenceEqual(expected))
                {
                    run.Lost.Enqueue("gRPC: wrong OUTPUT0");
                    return;
                }

                run.Ok();
            }
            catch (RpcException ex) when (IsShuttingDown(ex))
            {
                Interlocked.Increment(ref run.RefusedWith503);
            }
            catch (RpcException ex) when (IsConnectionRefused(ex))
            {
                Interlocked.Increment(ref run.NeverAccepted);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
            {
                Interlocked.Increment(ref run.CallsPastTheirDeadline);
                return;
            }
            catch (RpcException ex)
            {
                run.Lost.Enqueue($"gRPC {ex.StatusCode}: {ex.Status.Detail} {(ex.Status.DebugException as HttpRequestException)?.HttpRequestError} {ex.Status.DebugException?.Message}");
                return;
            }
        }
    }

    // One message in flight at a time, so a stream that ends with "shutting down" left nothing it read unanswered.
    private static async Task StreamWorkerAsync(Run run, InferenceGrpcClient grpc, int seed)
    {
        var expected = TensorCase.Pack(SimpleRequests.Sum(SimpleRequests.Input0(1, seed), SimpleRequests.Input1(1, seed)));
        while (true)
        {
            try
            {
                using var call = grpc.ModelStreamInfer();
                while (true)
                {
                    try
                    {
                        await call.RequestStream.WriteAsync(SimpleRequests.Grpc(batch: 1, seed: seed));
                    }
                    catch (Exception ex) when (ex is RpcException or InvalidOperationException or HttpProtocolException or IOException)
                    {
                        // The call ended (the server says why, below) before this message went out: it was never sent.
                    }

                    if (!await call.ResponseStream.MoveNext(CancellationToken.None))
                    {
                        run.Lost.Enqueue("gRPC stream ended without an answer or a status");
                        return;
                    }

                    var answer = call.ResponseStream.Current;
                    if (answer.ErrorMessage.Contains("shutting down", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref run.RefusedWith503);
                    }
                    else if (answer.ErrorMessage.Length > 0 || !answer.InferResponse.RawOutputContents[0].Span.SequenceEqual(expected))
                    {
                        run.Lost.Enqueue($"gRPC stream: {answer.ErrorMessage}");
                        return;
                    }
                    else
                    {
                        run.Ok();
                    }
                }
            }
            catch (RpcException ex) when (IsShuttingDown(ex))
            {
                // The drain ended the stream after answering what it read; a client opens another (elsewhere, in production).
                Interlocked.Increment(ref run.StreamsEndedByDrain);
            }
            catch (RpcException ex) when (IsConnectionRefused(ex))
            {
                Interlocked.Increment(ref run.NeverAccepted);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
            {
                Interlocked.Increment(ref run.CallsPastTheirDeadline);
                return;
            }
            catch (RpcException ex)
            {
                run.Lost.Enqueue($"gRPC stream {ex.StatusCode}: {ex.Status.Detail} {(ex.Status.DebugException as HttpRequestException)?.HttpRequestError} {ex.Status.DebugException?.Message}");
                return;
            }
            catch (Exception ex)
            {
                run.Lost.Enqueue($"gRPC stream: {ex}");
                return;
            }
        }
    }

    private static int[] Output0(string body) =>
        JsonNode.Parse(body)!["outputs"]!.AsArray().Single(o => (string?)o!["name"] == "OUTPUT0")!["data"]!.AsArray().Select(v => (int)v!).ToArray();

    private static bool IsShuttingDown(RpcException ex) =>
        ex.StatusCode == StatusCode.Unavailable && ex.Status.Detail.Contains("shutting down", StringComparison.Ordinal);

    // The call was never processed: no connection to send on (refused, reset while connecting, a handshake the closing
    // server never completed), a stream the server refused with GOAWAY NO_ERROR before reading it (HTTP/2 says such
    // a stream was not processed and may be retried), or a call whose request could not even be written because the
    // server had closed that connection (the listener-close race of the header: the server read nothing of it).
    private static bool IsConnectionRefused(RpcException ex)
    {
        if (ex.StatusCode == StatusCode.Unavailable && ex.Status.Detail.StartsWith("Error connecting to subchannel", StringComparison.Ordinal))
        {
            return true;
        }

        if (ex.StatusCode == StatusCode.Unavailable && ex.Status.Detail.StartsWith("Error starting gRPC call", StringComparison.Ordinal)
            && ex.Status.DebugException is HttpRequestException sending && WriteFailedOnAClosedConnection(sending))
        {
            return true;
        }

        return ex.Status.DebugException switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
            HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } => true,
            HttpRequestException { InnerException: HttpProtocolException { ErrorCode: 0 } } => true,
            HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse, InnerException: HttpIOException inner } =>
                inner.Message.Contains("HTTP/2 handshake", StringComparison.Ordinal),
            _ => false,
        };
    }

    // Somewhere in the chain, a connection the server closed before it could carry the call: a write that found it
    // closed (EPIPE, or a reset), or an HTTP/2 handshake it never completed.
    private static bool WriteFailedOnAClosedConnection(Exception ex)
    {
        for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.Shutdown or SocketError.ConnectionReset or SocketError.ConnectionAborted }
                || (inner is IOException && inner.Message.Contains("HTTP/2 handshake", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct HttpAnswer(int Status, bool Close, string Body);

    /// <summary>Reads one HTTP/1.1 response with a Content-Length body off a socket, keeping bytes that arrive early.</summary>
    private sealed class ResponseReader
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<HttpAnswer> ReadAsync(Socket socket)
        {
            int headEnd;
            while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
            {
                await FillAsync(socket);
            }

            var head = Encoding.ASCII.GetString(_buffer, _start, headEnd);
            _start += headEnd + 4;
            var lines = head.Split("\r\n");
            var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var length = 0;
            var close = false;
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && value.Equals("close", StringComparison.OrdinalIgnoreCase))
                {
                    close = true;
                }
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException("the test client reads Content-Length bodies only");
                }
            }

            while (_end - _start < length)
            {
                await FillAsync(socket);
            }

            var body = Encoding.UTF8.GetString(_buffer, _start, length);
            _start += length;
            return new HttpAnswer(status, close, body);
        }

        private async Task FillAsync(Socket socket)
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end));
            if (read == 0)
            {
                throw new EndOfStreamException("the server closed the connection before the whole answer");
            }

            _end += read;
        }
    }
}
