using InferenceServer.Cli;
using InferenceServer.Hosting;
using InferenceServer.Hosting.Flags;

if (args.Length > 0 && args[0] == DriftReferenceCommand.Name)
{
    return DriftReferenceCommand.Run(args[1..]);
}

if (args.Length > 0 && args[0] == HealthCheckCommand.Name)
{
    return await HealthCheckCommand.RunAsync(args[1..]);
}

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(ServerFlagsHelp.Text());
    return 0;
}

var configuration = new ConfigurationBuilder()
    .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
    .Build();
var options = ServerOptionsReader.Read(args, configuration, out var error);
if (options is null)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine("run with --help for the flags");
    return 2;
}

NativeMemoryTuning.Apply();
InferenceServerHost? host;
try
{
    host = await InferenceServerHost.StartAsync(options);
}
catch (Exception ex) when (ex is InvalidOperationException or IOException)
{
    // A certificate that does not load, a port in use: say what, without a stack trace.
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

if (host is null)
{
    return 1;
}

await using (host)
{
    await host.WaitForShutdownAsync();
}

return 0;
