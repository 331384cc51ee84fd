using System.Globalization;
using InferenceServer.Client;
using InferenceServer.Client.Errors;
using InferenceServer.Client.Grpc;
using InferenceServer.Client.Http;

namespace InferenceServer.GpuChecks;

/// <summary>
/// <c>gpu-checks compare HTTP_HOST:PORT GRPC_HOST:PORT REFERENCE CANDIDATE FP32|FP16 TOLERANCE</c>: the same seeded batch of
/// inputs to a reference model (FP32, e.g. on the CPU) and to a candidate (e.g. the same weights on the GPU, in FP32 or
/// FP16), the candidate asked over HTTP and over gRPC; passes when every output element is within TOLERANCE × the
/// largest reference value. Prints one line per protocol with the largest difference found. Exit 0 pass, 1 fail.
/// </summary>
internal static class ModelComparison
{
    private const int Rows = 8;

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await CompareAsync(args);
        }
        catch (InferenceServerException ex)
        {
            Console.WriteLine($"compare {string.Join(' ', args)}: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> CompareAsync(string[] args)
    {
        if (args.Length != 6)
        {
            Console.Error.WriteLine("usage: gpu-checks compare HTTP_HOST:PORT GRPC_HOST:PORT REFERENCE CANDIDATE FP32|FP16 TOLERANCE");
            return 2;
        }

        var (reference, candidate, half) = (args[2], args[3], args[4] == "FP16");
        var tolerance = double.Parse(args[5], CultureInfo.InvariantCulture);
        using var http = new HttpInferenceClient(new Uri($"http://{args[0]}"));
        using var grpc = new GrpcInferenceClient(new Uri($"http://{args[1]}"));

        var metadata = await http.GetModelMetadataAsync(reference);
        var (inputName, width) = (metadata.Inputs[0].Name, (int)metadata.Inputs[0].Shape[^1]);
        var outputName = metadata.Outputs[0].Name;
        var random = new Random(17);
        var input = Enumerable.Range(0, Rows * width).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

        float[] expected;
        using (var request = new InferRequest(reference).AddInput(inputName, input, Rows, width))
        using (var result = await http.InferAsync(request))
        {
            expected = result.GetOutput<float>(outputName).ToArray();
        }

        var largest = expected.Max(MathF.Abs);
        var passed = true;
        foreach (var (protocol, client) in new (string, InferenceClient)[] { ("HTTP", http), ("gRPC", grpc) })
        {
            using var request = half
                ? new InferRequest(candidate).AddInput(inputName, input.Select(v => (Half)v).ToArray(), Rows, width)
                : new InferRequest(candidate).AddInput(inputName, input, Rows, width);
            using var result = await client.InferAsync(request);
            var actual = half ? result.GetOutput<Half>(outputName).ToArray().Select(v => (float)v).ToArray() : result.GetOutput<float>(outputName).ToArray();
            var difference = expected.Length == actual.Length ? expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) : double.PositiveInfinity;
            var within = difference <= tolerance * largest;
            passed &= within;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"compare {candidate} ({args[4]}) with {reference} over {protocol}, {Rows} rows: largest |difference| {difference:G4} = {difference / largest:P3} of the largest value {largest:G4} (limit {tolerance:P2}): {(within ? "within" : "OUTSIDE")}"));
        }

        return passed ? 0 : 1;
    }
}
