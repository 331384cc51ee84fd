using System.Text.Json;
using InferenceServer.Perf.Naive;
using Microsoft.ML.OnnxRuntime;

// The naive baseline (d) of perf/compare.sh: a minimal ASP.NET Core endpoint that deserializes the KServe v2
// JSON request, calls session.Run per request and serializes the outputs back — what a team writes when it
// wraps a notebook model in a web API. The template's hosting (WebApplication.CreateBuilder, its logging
// levels), ONNX Runtime's default session options, JSON only.
//   usage: perf-naive --models NAME=PATH[,NAME=PATH...] [--urls http://127.0.0.1:18100]
//   then:  POST /v2/models/{NAME}/infer  {"inputs":[{"name":..,"shape":[..],"datatype":"FP32","data":[..]}]}

// Content root at the app's folder, so its appsettings.json (the template's log levels) applies from any working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    options.SerializerOptions.TypeInfoResolverChain.Insert(0, NaiveJsonContext.Default);
});

var sessions = new Dictionary<string, InferenceSession>();
foreach (var pair in (builder.Configuration["models"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
{
    var parts = pair.Split('=', 2);
    if (parts.Length != 2)
    {
        Console.Error.WriteLine($"--models expects NAME=PATH[,NAME=PATH...], got '{pair}'");
        return 2;
    }

    sessions[parts[0]] = new InferenceSession(parts[1]);
}

if (sessions.Count == 0)
{
    Console.Error.WriteLine("usage: perf-naive --models NAME=PATH[,NAME=PATH...] [--urls http://127.0.0.1:18100]");
    return 2;
}

var app = builder.Build();
app.MapPost("/v2/models/{model}/infer", (string model, InferRequest request) =>
    sessions.TryGetValue(model, out var session)
        ? Results.Ok(NaiveInference.Run(model, session, request))
        : Results.NotFound());
app.MapGet("/v2/health/ready", () => Results.Ok());
app.Run();
return 0;
