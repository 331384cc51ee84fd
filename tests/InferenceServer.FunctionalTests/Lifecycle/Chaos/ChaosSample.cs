namespace InferenceServer.FunctionalTests.Lifecycle.Chaos;

/// <summary>
/// The server process after one swap of the chaos soak: what it holds and what it answered so far. Threads are counted
/// in two groups: the .NET thread pool's workers, which the runtime adds and retires with the load, and the others
/// (instance threads, ONNX Runtime's, Kestrel's, the runtime's own), which a version left behind would add to.
/// </summary>
internal sealed record ChaosSample(int Swap, ChaosFault Fault, long Version, long RssBytes, int Descriptors, int Threads, int PoolThreads, long Answers)
{
    public const string CsvHeader = "swap,fault,version,rss_kib,fds,threads,pool_threads,answers";

    public string ToCsv() => FormattableString.Invariant($"{Swap},{Fault},{Version},{RssBytes >> 10},{Descriptors},{Threads},{PoolThreads},{Answers}");
}
