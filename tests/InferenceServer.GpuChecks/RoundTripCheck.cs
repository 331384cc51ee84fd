using InferenceServer.Cuda;

namespace InferenceServer.GpuChecks;

/// <summary>
/// Data survives the trip host → device → device → host exactly, with 1, 2 and 4 streams working at
/// once, each on its own buffers and several chunks deep (what concurrent GPU instances do).
/// </summary>
internal static unsafe class RoundTripCheck
{
    private const int ChunkBytes = 8 << 20;
    private const int ChunksPerStream = 4;

    public static void Run(CudaContext context, CheckReport report, int streamCount)
    {
        var lanes = new Lane[streamCount];
        try
        {
            for (var i = 0; i < streamCount; i++)
            {
                lanes[i] = new Lane(context, seed: (streamCount * 100) + i);
            }

            // Queue everything on every stream before waiting for any of it.
            foreach (var lane in lanes)
            {
                lane.Queue();
            }

            var mismatched = 0;
            foreach (var lane in lanes)
            {
                lane.Stream.Synchronize();
                mismatched += lane.Verify() ? 0 : 1;
            }

            report.Check(
                $"round trip on {streamCount} stream(s)",
                mismatched == 0,
                mismatched == 0
                    ? $"{streamCount * ChunksPerStream} chunks of {ChunkBytes >> 20} MiB identical after host→device→device→host"
                    : $"{mismatched} of {streamCount} streams returned different bytes");
        }
        finally
        {
            foreach (var lane in lanes)
            {
                lane?.Dispose();
            }
        }
    }

    /// <summary>One stream with its own source, destination and two device buffers.</summary>
    private sealed class Lane : IDisposable
    {
        private readonly HostBuffer _source;
        private readonly HostBuffer _destination;
        private readonly DeviceBlock _first;
        private readonly DeviceBlock _second;

        public Lane(CudaContext context, int seed)
        {
            Stream = context.CreateStream();
            _source = HostBuffer.PageLocked(context, (long)ChunkBytes * ChunksPerStream);
            _destination = HostBuffer.PageLocked(context, (long)ChunkBytes * ChunksPerStream);
            _first = new DeviceBlock(context, ChunkBytes);
            _second = new DeviceBlock(context, ChunkBytes);
            new Random(seed).NextBytes(_source.Bytes(0, ChunkBytes * ChunksPerStream));
            _destination.Bytes(0, ChunkBytes * ChunksPerStream).Clear();
        }

        public CudaStream Stream { get; }

        public void Queue()
        {
            for (var chunk = 0; chunk < ChunksPerStream; chunk++)
            {
                var offset = (long)chunk * ChunkBytes;
                Stream.CopyHostToDevice(_first.Address, _source.Pointer + offset, ChunkBytes);
                Stream.CopyDeviceToDevice(_second.Address, _first.Address, ChunkBytes);
                Stream.Fill(_first.Address, 0xA5, ChunkBytes);
                Stream.CopyDeviceToHost(_destination.Pointer + offset, _second.Address, ChunkBytes);
            }
        }

        public bool Verify() =>
            _source.Bytes(0, ChunkBytes * ChunksPerStream).SequenceEqual(_destination.Bytes(0, ChunkBytes * ChunksPerStream));

        public void Dispose()
        {
            Stream.Dispose();
            _source.Dispose();
            _destination.Dispose();
            _first.Dispose();
            _second.Dispose();
        }
    }
}
