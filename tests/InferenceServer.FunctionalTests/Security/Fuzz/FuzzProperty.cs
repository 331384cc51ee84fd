using CsCheck;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.FuzzTargets.Mutations;

namespace InferenceServer.FunctionalTests.Security.Fuzz;

/// <summary>
/// One end-to-end fuzz property: every input of a generator sent to the server from two threads (CsCheck shrinks
/// a failure and prints the seed that replays it), then a good request still gets the right answer.
/// </summary>
internal static class FuzzProperty
{
    /// <summary>Requests per property: a few seconds on two cores.</summary>
    public const long Iterations = 2_000;

    public static async Task SampleAsync(TestServer server, Gen<MutatedInput> inputs, Func<MutatedInput, Task> send)
    {
        await inputs.SampleAsync(send, iter: Iterations, threads: 2, print: input => input.ToString());

        await FuzzAnswers.AssertGoodRequestsStillAnsweredAsync(server);
    }
}
