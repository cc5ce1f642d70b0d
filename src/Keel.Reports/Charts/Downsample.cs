namespace Keel.Reports;

/// <summary>Bounds the points a chart draws, so a report's size does not grow with the test set.</summary>
internal static class Downsample
{
    /// <summary>Largest-triangle-three-buckets (Steinarsson 2013): keeps the first and last point and, per bucket, the point
    /// that spans the largest triangle with its neighbours, so turns of the curve survive. Returns the input when short enough.</summary>
    public static IReadOnlyList<Point> Lttb(IReadOnlyList<Point> points, int max)
    {
        if (max < 3 || points.Count <= max) return points;
        var result = new List<Point>(max) { points[0] };
        var bucket = (points.Count - 2) / (double)(max - 2);
        var a = 0;
        for (var i = 0; i < max - 2; i++)
        {
            // The average of the next bucket is the third corner of the triangle.
            var nextStart = (int)Math.Floor((i + 1) * bucket) + 1;
            var nextEnd = Math.Min((int)Math.Floor((i + 2) * bucket) + 1, points.Count);
            double ax = 0, ay = 0;
            for (var j = nextStart; j < nextEnd; j++)
            {
                ax += points[j].X;
                ay += points[j].Y;
            }
            var n = Math.Max(1, nextEnd - nextStart);
            ax /= n;
            ay /= n;

            var start = (int)Math.Floor(i * bucket) + 1;
            var end = (int)Math.Floor((i + 1) * bucket) + 1;
            var best = start;
            var bestArea = -1.0;
            for (var j = start; j < end; j++)
            {
                var area = Math.Abs((points[a].X - ax) * (points[j].Y - points[a].Y) - (points[a].X - points[j].X) * (ay - points[a].Y));
                if (area > bestArea)
                {
                    bestArea = area;
                    best = j;
                }
            }
            result.Add(points[best]);
            a = best;
        }
        result.Add(points[^1]);
        return result;
    }

    /// <summary>An evenly spaced subset of at most <paramref name="max"/> points (for scatter charts, where order carries no shape).</summary>
    public static IReadOnlyList<Point> Even(IReadOnlyList<Point> points, int max)
    {
        if (max < 1 || points.Count <= max) return points;
        var step = points.Count / (double)max;
        return Enumerable.Range(0, max).Select(i => points[(int)(i * step)]).ToList();
    }
}
