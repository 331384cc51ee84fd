using System.Globalization;
using System.Net;
using InferenceServer.Perf.Plaintext;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// The transport ceiling P of perf/batching/run.sh: Kestrel on HTTP/1.1 with the server's hosting
// shape (slim builder, one middleware, no routing), draining the request body and answering a fixed
// body shaped like an `mlp` inference response (binary tensor extension, FP32 [1,10]). Whatever
// this serves per second on a machine is what the transport costs, load tool included, before
// any model work. With a second port it also answers HTTP/2 without TLS (prior knowledge, as gRPC's h2c),
// the transport ceiling of the gRPC endpoint.
//   usage: perf-plaintext [port [h2c-port]]   (default 8090; listens on 127.0.0.1 only)

var port = 8090;
var h2Port = 0;
if (args.Length > 2
    || (args.Length >= 1 && !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out port))
    || (args.Length == 2 && !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out h2Port)))
{
    Console.Error.WriteLine("usage: perf-plaintext [port [h2c-port]]   (default 8090)");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = null;
    kestrel.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
    if (h2Port > 0)
    {
        kestrel.Listen(IPAddress.Loopback, h2Port, l => l.Protocols = HttpProtocols.Http2);
    }
});

var app = builder.Build();
app.Run(PlaintextResponse.HandleAsync);
Console.WriteLine($"perf-plaintext listening on http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"
    + (h2Port > 0 ? $" and h2c://127.0.0.1:{h2Port.ToString(CultureInfo.InvariantCulture)}" : ""));
await app.RunAsync();
return 0;
