using System.Globalization;
using System.Net;
using InferenceServer.Perf.Plaintext;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// The transport ceiling P of perf/batching/run.sh: Kestrel on HTTP/1.1 with the server's hosting
// shape (slim builder, one middleware, no routing), draining the request body and answering a fixed
// body shaped like an `mlp` inference response (binary tensor extension, FP32 [1,10]). Whatever
// this serves per second on a machine is what the transport costs, load tool included, before
// any model work.
//   usage: perf-plaintext [port]   (default 8090; listens on 127.0.0.1 only)

var port = 8090;
if (args.Length > 1 || (args.Length == 1 && !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out port)))
{
    Console.Error.WriteLine("usage: perf-plaintext [port]   (default 8090)");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = null;
    kestrel.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
});

var app = builder.Build();
app.Run(PlaintextResponse.HandleAsync);
Console.WriteLine($"perf-plaintext listening on http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
await app.RunAsync();
return 0;
