namespace SecureLambda.Bench.ColdStart;

/// <summary>Order statistics of a set of samples (nearest-rank percentiles: every reported value was measured).</summary>
internal sealed record Summary(double Min, double Median, double P90, double Max)
{
    public static Summary Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No samples.", nameof(samples));
        }

        return new Summary(sorted[0], MedianOf(sorted), Rank(sorted, 0.90), sorted[^1]);
    }

    private static double MedianOf(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private static double Rank(double[] sorted, double percentile) =>
        sorted[Math.Max(0, (int)Math.Ceiling(percentile * sorted.Length) - 1)];
}
