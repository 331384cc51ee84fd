using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;

namespace InferenceServer.FuzzTargets.Targets;

/// <summary>
/// Runs one parse of a request input against each sample model and checks what the server relies on:
/// <list type="bullet">
/// <item>the parse and the validation that follows it (<see cref="RequestValidator.Validate"/>, as
/// <see cref="ModelVersion.InferAsync"/> runs it) end in success or in a client error (400, 413 or 501),
/// never in an internal error or an exception;</item>
/// <item>every pinned buffer the parse rented goes back to the pool when the request is reset;</item>
/// <item>the bytes it allocates stay in proportion to the input (a few bytes per input byte), so a small
/// body cannot make the server reserve a large buffer.</item>
/// </list>
/// </summary>
internal sealed class RequestOracle
{
    /// <summary>JSON nesting limit, the server's default (<c>ServerContextOptions.MaxJsonDepth</c>).</summary>
    public const int MaxJsonDepth = 100;

    // A JSON number such as "1," is 2 bytes and may become an 8-byte FP64: 4 bytes per input byte, doubled
    // by the pool's power-of-two size classes, plus the smallest class for each of a few buffers.
    private const int AllocatedBytesPerInputByte = 16;
    private const int AllocatedBytesSlack = 64 << 10;

    private readonly IReadOnlyList<ModelVersion> _models = Models.FuzzModels.Create();
    private readonly PinnedBufferPool _pool = new();
    private readonly InferenceRequest _request = new();

    public delegate InferenceError Parser(ModelVersion model, InferenceRequest request, PinnedBufferPool pool);

    /// <summary>Parses with <paramref name="parse"/> for every model and returns the outcome labels, one line each.</summary>
    public string Check(int inputLength, Parser parse)
    {
        var labels = new List<string>(_models.Count);
        foreach (var model in _models)
        {
            labels.Add(model.Name + ": " + CheckOne(model, inputLength, parse));
        }

        return string.Join('\n', labels);
    }

    private string CheckOne(ModelVersion model, int inputLength, Parser parse)
    {
        var allocatedBefore = AllocatedBytes();
        var outstandingBefore = _pool.OutstandingCount;
        InferenceError error;
        try
        {
            error = parse(model, _request, _pool);
            if (!error.IsError)
            {
                _request.Version = model;
                error = RequestValidator.Validate(model, _request);
            }

            var allocated = AllocatedBytes() - allocatedBefore;
            if (allocated > ((long)inputLength * AllocatedBytesPerInputByte) + AllocatedBytesSlack)
            {
                throw new FuzzInvariantException($"model '{model.Name}': a {inputLength}-byte input made the parser allocate {allocated} bytes");
            }
        }
        finally
        {
            _request.TryReset();
        }

        // Compared with the count before the parse, so one leak is reported once, by the input that caused it.
        var leaked = _pool.OutstandingCount - outstandingBefore;
        if (leaked != 0)
        {
            throw new FuzzInvariantException($"model '{model.Name}': {leaked} pinned buffers are still rented after the request was reset");
        }

        if (!error.IsError)
        {
            return OutcomeLabel.Accepted;
        }

        // NOT_FOUND: a tensor naming a shared-memory region that is not registered.
        if (error.Code is not (InferenceErrorCode.InvalidArgument or InferenceErrorCode.PayloadTooLarge or InferenceErrorCode.Unsupported or InferenceErrorCode.NotFound))
        {
            throw new FuzzInvariantException($"model '{model.Name}': a client's input ended in {error.Code}: {error.Message}");
        }

        if (string.IsNullOrWhiteSpace(error.Message))
        {
            throw new FuzzInvariantException($"model '{model.Name}': {error.Code} without a message");
        }

        return error.Code + " " + OutcomeLabel.Of(error.Message);
    }

    // New native allocations only: buffers reused from the pool cost nothing, oversize and over-budget rents are fallbacks.
    private long AllocatedBytes() => _pool.AllocatedBytes + _pool.FallbackBytes;
}
