using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// The distribution of one model version's inputs and outputs, per tensor and feature, over the version's
/// lifetime and a sliding window; and the reference they are compared with for drift. Writers lock only their
/// thread's stripe (no lock shared by all requests); readers merge the stripes.
/// </summary>
public sealed class VersionProfile
{
    private readonly TensorLayout?[] _inputs;
    private readonly TensorLayout?[] _outputs;

    // Spec index → position in Layouts (−1: not profiled), so the request path does no lookups.
    private readonly int[] _inputSlots;
    private readonly int[] _outputSlots;
    private readonly Stripe[] _stripes;
    private readonly TimeProvider _time;
    private readonly ProfileSampler _sampler;
    private ReferenceProfile? _reference;
    private long _requests;

    public VersionProfile(ModelSignature signature, ProfileOptions options, TimeProvider time, ReferenceProfile? reference = null)
    {
        Options = options;
        _time = time;
        _sampler = new ProfileSampler(options.MaxValuesPerSecond);
        _reference = reference;
        _inputs = signature.Inputs.Select(s => TensorLayout.For(s, isInput: true, signature.Batches, options.MaxColumns)).ToArray();
        _outputs = signature.Outputs.Select(s => TensorLayout.For(s, isInput: false, signature.Batches, options.MaxColumns)).ToArray();
        Layouts = [.. _inputs.Where(l => l is not null).Cast<TensorLayout>(), .. _outputs.Where(l => l is not null).Cast<TensorLayout>()];
        _inputSlots = _inputs.Select(l => l is null ? -1 : IndexOf(l)).ToArray();
        _outputSlots = _outputs.Select(l => l is null ? -1 : IndexOf(l)).ToArray();
        FeatureNames = Layouts.Select(l => NamesOf(l, options, reference)).ToArray();
        // Fewer stripes than the latency sketches: a profile stripe holds a sketch per feature.
        _stripes = new Stripe[Math.Min(4, Stripes.Count)];
        for (var i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new Stripe(Layouts, options.Window);
        }
    }

    public ProfileOptions Options { get; }

    /// <summary>Per layout, each feature's name: the config's column names, else the index as text.</summary>
    public IReadOnlyList<string[]> FeatureNames { get; }

    /// <summary>The profiled tensors: inputs first, then outputs.</summary>
    public IReadOnlyList<TensorLayout> Layouts { get; }

    /// <summary>The reference drift is measured against; null until shipped or frozen.</summary>
    public ReferenceProfile? Reference => Volatile.Read(ref _reference);

    /// <summary>One request in this many is profiled now (1 while arrivals stay within the budget).</summary>
    public long SampleStride => _sampler.Stride;

    /// <summary>Requests profiled so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>
    /// Adds a successful request's inputs and outputs, or skips it when arrivals exceed the profiling budget
    /// (<see cref="ProfileOptions.MaxValuesPerSecond"/>). Called on the request's thread after it completed.
    /// </summary>
    public void Observe(InferenceRequest request)
    {
        var now = _time.GetUtcNow();
        if (!_sampler.ShouldObserve(ProfiledValues(request), now))
        {
            return;
        }

        var stripe = _stripes[Stripes.OfCurrentThread & (_stripes.Length - 1)];
        lock (stripe)
        {
            var window = stripe.Window.Current(now);
            foreach (var input in request.Inputs)
            {
                if (input.Spec is { } spec && _inputSlots[spec.Index] is var slot and >= 0)
                {
                    Add(stripe, window, slot, input.Data.Span);
                }
            }

            foreach (var output in request.Outputs)
            {
                // A classified output holds strings, not the model's values.
                if (!output.IsClassification && _outputSlots[output.Spec.Index] is var slot and >= 0)
                {
                    Add(stripe, window, slot, output.Data.Span);
                }
            }
        }

        if (Interlocked.Increment(ref _requests) == Options.ReferenceRequests && Reference is null)
        {
            Interlocked.CompareExchange(ref _reference, Freeze(), null);
        }
    }

    // The elements of the profiled tensors: the sampler's measure of what observing the request costs.
    private long ProfiledValues(InferenceRequest request)
    {
        long values = 0;
        foreach (var input in request.Inputs)
        {
            if (input.Spec is { } spec && _inputSlots[spec.Index] >= 0)
            {
                values += input.Data.Length / Math.Max(1, spec.DataType.ElementSize());
            }
        }

        foreach (var output in request.Outputs)
        {
            if (!output.IsClassification && _outputSlots[output.Spec.Index] >= 0)
            {
                values += output.Data.Length / Math.Max(1, output.Spec.DataType.ElementSize());
            }
        }

        return values;
    }

    // Values go to the window's current bucket only; buckets fold into the stripe's retired total when reused.
    private void Add(Stripe stripe, TensorSketches window, int slot, ReadOnlySpan<byte> data)
    {
        TensorValues.Accumulate(Layouts[slot].DataType, data, window.Tensors[slot]);
        if (window.ClassCounts[slot].Length > 0)
        {
            PredictedClasses.Count(Layouts[slot].DataType, data, window.ClassCounts[slot]);
        }
    }

    // The config's names, else the reference file's (a CSV header), else indices. When both name the columns they
    // must agree: the reference's columns are compared with the model's by position.
    /// <exception cref="FormatException">Names of the wrong count, or config and reference naming the columns differently.</exception>
    private static string[] NamesOf(TensorLayout layout, ProfileOptions options, ReferenceProfile? reference)
    {
        string[]? fromReference = null;
        reference?.FeatureNames.TryGetValue((layout.Kind, layout.Name), out fromReference);
        if (fromReference is not null && fromReference.Length != layout.FeatureCount)
        {
            throw new FormatException($"{ProfileOptions.ReferenceFileName} names {fromReference.Length} columns of '{layout.Name}' but the tensor is profiled as {layout.FeatureCount} feature(s)");
        }

        if (!options.FeatureNames.TryGetValue(layout.Name, out var names))
        {
            return fromReference ?? Enumerable.Range(0, layout.FeatureCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }

        if (names.Length != layout.FeatureCount)
        {
            throw new FormatException($"parameter '{ProfileOptions.FeatureNamesPrefix}{layout.Name}' names {names.Length} columns but the tensor is profiled as {layout.FeatureCount} feature(s)");
        }

        return fromReference is null || fromReference.SequenceEqual(names, StringComparer.Ordinal)
            ? names
            : throw new FormatException($"parameter '{ProfileOptions.FeatureNamesPrefix}{layout.Name}' ({string.Join(",", names)}) and {ProfileOptions.ReferenceFileName} ({string.Join(",", fromReference)}) name the columns differently");
    }

    private int IndexOf(TensorLayout layout) => layout.IsInput ? InputSlot(layout.Index) : _inputs.Count(l => l is not null) + OutputSlot(layout.Index);

    private int InputSlot(int index) => _inputs.Take(index).Count(l => l is not null);

    private int OutputSlot(int index) => _outputs.Take(index).Count(l => l is not null);

    /// <summary>Merged copies of every stripe's sketches: lifetime and window, per layout (same order as <see cref="Layouts"/>).</summary>
    public (FeatureSketch[][] Lifetime, FeatureSketch[][] Window) Read()
    {
        var (lifetime, window) = ReadAll();
        return (lifetime.Tensors, window.Tensors);
    }

    /// <summary>Merged copies of every stripe's sketches and predicted-class counts: lifetime and window.</summary>
    public (TensorSketches Lifetime, TensorSketches Window) ReadAll()
    {
        var lifetime = new TensorSketches(Layouts);
        var window = new TensorSketches(Layouts);
        var now = _time.GetUtcNow();
        foreach (var stripe in _stripes)
        {
            lock (stripe)
            {
                lifetime.Merge(stripe.Retired);
                stripe.Window.MergeAllInto(lifetime, static (target, bucket) => target.Merge(bucket));
                stripe.Window.MergeInto(window, now, static (target, bucket) => target.Merge(bucket));
            }
        }

        return (lifetime, window);
    }

    private ReferenceProfile Freeze()
    {
        var (lifetime, _) = Read();
        var tensors = new Dictionary<(string, string), ReferenceFeature[]>();
        for (var i = 0; i < Layouts.Count; i++)
        {
            tensors[(Layouts[i].Kind, Layouts[i].Name)] = lifetime[i].Select(ReferenceFeature.From).ToArray();
        }

        return new ReferenceProfile("first_requests", Requests, tensors);
    }

    private sealed class Stripe
    {
        public Stripe(IReadOnlyList<TensorLayout> layouts, TimeSpan window)
        {
            Retired = new TensorSketches(layouts);
            // Two buckets: the window covers between half and all of its length; each bucket holds a sketch per feature.
            Window = new SlidingWindow<TensorSketches>(2, window / 2, () => new TensorSketches(layouts), static s => s.Clear(), Retired.Merge);
        }

        /// <summary>Everything older than the buckets in the ring.</summary>
        public TensorSketches Retired { get; }

        public SlidingWindow<TensorSketches> Window { get; }
    }
}
