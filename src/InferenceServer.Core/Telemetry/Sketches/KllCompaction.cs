namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>
/// The compaction steps of <see cref="KllSketch"/>, on levels laid out contiguously in one array
/// (lowest level first, <c>levels[h]</c> the first slot of level h, <c>levels[numLevels]</c> the end).
/// The layout and steps follow the Apache DataSketches KLL implementation.
/// </summary>
internal static class KllCompaction
{
    /// <summary>Capacity of a level <paramref name="depth"/> levels below the top:
    /// <c>max(minWidth, round(k · (2/3)^depth))</c>.</summary>
    public static int LevelCapacity(int k, int depth, int minWidth) =>
        Math.Max(minWidth, (int)Math.Round(k * Math.Pow(2.0 / 3.0, depth)));

    /// <summary>
    /// Keeps every other item of the sorted run <c>[start, start + length)</c> (length even), starting at
    /// a random one of the first two, and packs the survivors into the run's lower half.
    /// </summary>
    public static void HalveDown(double[] items, int start, int length, int offset)
    {
        var half = length / 2;
        var source = start + offset;
        for (var i = start; i < start + half; i++, source += 2)
        {
            items[i] = items[source];
        }
    }

    /// <summary>As <see cref="HalveDown"/>, packing the survivors into the run's upper half.</summary>
    public static void HalveUp(double[] items, int start, int length, int offset)
    {
        var half = length / 2;
        var source = start + length - 1 - offset;
        for (var i = start + length - 1; i >= start + half; i--, source -= 2)
        {
            items[i] = items[source];
        }
    }

    /// <summary>
    /// Merges sorted runs a and b into <paramref name="destination"/>. The destination may overlap the
    /// end of b's run when it starts right after a's and ends where b's ends, as a compaction does: each
    /// write then lands on a slot already read.
    /// </summary>
    public static void MergeSorted(
        double[] aItems, int aStart, int aLength, double[] bItems, int bStart, int bLength, double[] destination, int destinationStart)
    {
        var aEnd = aStart + aLength;
        var bEnd = bStart + bLength;
        var a = aStart;
        var b = bStart;
        var d = destinationStart;
        while (a < aEnd && b < bEnd)
        {
            destination[d++] = aItems[a] <= bItems[b] ? aItems[a++] : bItems[b++];
        }

        while (a < aEnd)
        {
            destination[d++] = aItems[a++];
        }

        while (b < bEnd)
        {
            destination[d++] = bItems[b++];
        }
    }

    /// <summary>
    /// Compacts the levels in <paramref name="input"/> bottom-up until their total fits the capacity of
    /// the resulting number of levels, writing them densely from slot 0 of <paramref name="output"/>.
    /// Levels are copied as they are while the total fits; a level at or over its own capacity is
    /// halved into the level above, which may add a new top level (and with it more capacity).
    /// </summary>
    /// <param name="inputLevels">Level boundaries of <paramref name="input"/>; modified. Needs room for two boundaries past the top.</param>
    /// <param name="outputLevels">Receives the output's level boundaries; same room needed.</param>
    /// <param name="capacityByDepth">Level capacities by depth below the top.</param>
    /// <returns>The resulting number of levels.</returns>
    public static int CompressAll(
        int numLevels, double[] input, int[] inputLevels, double[] output, int[] outputLevels, int[] capacityByDepth, Random random)
    {
        var currentItemCount = inputLevels[numLevels] - inputLevels[0];
        var targetItemCount = TotalCapacity(capacityByDepth, numLevels);
        outputLevels[0] = 0;
        for (var level = 0; level < numLevels; level++)
        {
            if (level == numLevels - 1)
            {
                // An empty level above the top, so the top can be compacted into it.
                inputLevels[level + 2] = inputLevels[level + 1];
            }

            var rawBegin = inputLevels[level];
            var rawEnd = inputLevels[level + 1];
            var rawPopulation = rawEnd - rawBegin;
            if (currentItemCount < targetItemCount || rawPopulation < capacityByDepth[numLevels - level - 1])
            {
                Array.Copy(input, rawBegin, output, outputLevels[level], rawPopulation);
                outputLevels[level + 1] = outputLevels[level] + rawPopulation;
                continue;
            }

            // Too full overall and this level is at capacity: halve it into the level above. An odd
            // item out stays on this level.
            var populationAbove = inputLevels[level + 2] - rawEnd;
            var odd = (rawPopulation & 1) == 1;
            var begin = odd ? rawBegin + 1 : rawBegin;
            var population = odd ? rawPopulation - 1 : rawPopulation;
            var half = population / 2;
            if (odd)
            {
                output[outputLevels[level]] = input[rawBegin];
                outputLevels[level + 1] = outputLevels[level] + 1;
            }
            else
            {
                outputLevels[level + 1] = outputLevels[level];
            }

            if (level == 0)
            {
                input.AsSpan(begin, population).Sort();
            }

            var offset = random.Next(2);
            if (populationAbove == 0)
            {
                HalveUp(input, begin, population, offset);
            }
            else
            {
                HalveDown(input, begin, population, offset);
                MergeSorted(input, begin, half, input, rawEnd, populationAbove, input, begin + half);
            }

            currentItemCount -= half;
            inputLevels[level + 1] -= half;
            if (level == numLevels - 1)
            {
                numLevels++;
                targetItemCount += capacityByDepth[numLevels - 1];
            }
        }

        if (currentItemCount > targetItemCount)
        {
            throw new InvalidOperationException("KLL compaction left more items than the levels hold.");
        }

        return numLevels;
    }

    /// <summary>Sum of the capacities of <paramref name="numLevels"/> levels.</summary>
    public static int TotalCapacity(int[] capacityByDepth, int numLevels)
    {
        var total = 0;
        for (var depth = 0; depth < numLevels; depth++)
        {
            total += capacityByDepth[depth];
        }

        return total;
    }
}
