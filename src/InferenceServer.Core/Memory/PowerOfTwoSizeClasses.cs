using System.Numerics;

namespace InferenceServer.Core.Memory;

/// <summary>
/// Power-of-two size classes from 2^<paramref name="smallestLog2"/> to 2^<paramref name="largestLog2"/>
/// bytes, shared by the pinned and device pools. A request rounds up to the next power of two, so any
/// idle block of a class serves any request of that class, and at most half a block is wasted.
/// </summary>
internal readonly struct PowerOfTwoSizeClasses(int smallestLog2, int largestLog2)
{
    /// <summary>How many classes there are (the length of a per-class array).</summary>
    public int Count => largestLog2 - smallestLog2 + 1;

    /// <summary>Index of the smallest class that holds <paramref name="length"/> bytes (0 for 0 bytes), or -1 above the largest class.</summary>
    public int IndexOf(int length)
    {
        var log2 = length <= 1 << smallestLog2 ? smallestLog2 : 32 - BitOperations.LeadingZeroCount((uint)length - 1);
        return log2 > largestLog2 ? -1 : log2 - smallestLog2;
    }

    /// <summary>Bytes in a block of class <paramref name="index"/>.</summary>
    public int CapacityOf(int index) => 1 << (index + smallestLog2);
}
