using InferenceServer.Client;
using InferenceServer.Client.Grpc;
using InferenceServer.Client.Http;

// inference-client-sample HTTP_URL GRPC_URL: the client library's calls on Triton's `simple` model over both protocols,
// as a trimmed native binary runs them. Prints one line per protocol; exits 1 at the first thing that is wrong.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: inference-client-sample HTTP_URL GRPC_URL");
    return 2;
}

var options = new InferenceClientOptions { Timeout = TimeSpan.FromSeconds(30) };
using var http = new HttpInferenceClient(new Uri(args[0]), options);
using var grpc = new GrpcInferenceClient(new Uri(args[1]), options);
foreach (InferenceClient client in (InferenceClient[])[http, grpc])
{
    if (!await client.IsServerLiveAsync() || !await client.IsServerReadyAsync() || !await client.IsModelReadyAsync("simple"))
    {
        Console.Error.WriteLine($"{client.Protocol}: the server or 'simple' is not ready");
        return 1;
    }

    var server = await client.GetServerMetadataAsync();
    var model = await client.GetModelMetadataAsync("simple");
    var config = await client.GetModelConfigAsync("simple");
    var statistics = await client.GetModelStatisticsAsync("simple");

    int[] input0 = [.. Enumerable.Range(0, 16)];
    int[] input1 = [.. Enumerable.Repeat(3, 16)];
    using var request = new InferRequest("simple").AddInput("INPUT0", input0, 1, 16).AddInput("INPUT1", input1, 1, 16);
    using var result = await client.InferAsync(request);
    var sum = result.GetOutput<int>("OUTPUT0");
    for (var i = 0; i < 16; i++)
    {
        if (sum[i] != i + 3)
        {
            Console.Error.WriteLine($"{client.Protocol}: OUTPUT0[{i}] is {sum[i]}, not {i + 3}");
            return 1;
        }
    }

    Console.WriteLine($"{client.Protocol}: ok server={server.Name} inputs={model.Inputs.Count} max_batch_size={config.MaxBatchSize} versions={statistics.Count}");
}

await using (var stream = grpc.OpenStream(DateTime.UtcNow.AddSeconds(30)))
{
    using var request = new InferRequest("simple").AddInput("INPUT0", new int[16], 1, 16).AddInput("INPUT1", new int[16], 1, 16);
    await stream.WriteAsync(request);
    await stream.CompleteAsync();
    await foreach (var response in stream.ReadAllAsync())
    {
        using (response)
        {
            response.GetResultOrThrow();
        }
    }
}

Console.WriteLine("stream: ok");
return 0;
