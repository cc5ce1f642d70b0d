namespace Keel.Monitoring.Drift;

/// <summary>
/// The distribution of the two-sided one-sample Kolmogorov–Smirnov statistic D_n for finite n, computed as
/// Simard and L'Ecuyer (2011) choose between methods (Ruben–Gambino edges, Durbin's matrix as Marsaglia–Tsang–Wang,
/// Pomeranz's recursion, the Pelz–Good expansion and twice the one-sided Smirnov sum), with the same switch points
/// SciPy's <c>kstwo</c> uses, so that <c>ks_2samp(method='asymp')</c> p-values agree with SciPy's.
/// </summary>
internal static class KolmogorovDistribution
{
    private const double Scale = 3.402823669209385e38; // 2^128
    private const double InvScale = 2.938735877055719e-39; // 2^-128
    private const int ScaleExponent = 128;

    /// <summary>Pr(D_n &gt; x), the survival function.</summary>
    public static double Sf(int n, double x)
    {
        if (n <= 0 || double.IsNaN(x)) return double.NaN;
        if (x >= 1.0) return 0.0;
        if (x <= 0.0) return 1.0;
        var t = n * x;
        if (t <= 1.0)
        {
            if (t <= 0.5) return 1.0;
            double prob;
            if (n <= 140)
            {
                prob = 1.0;
                for (var i = 1; i <= n; i++) prob *= i * (1.0 / n) * (2 * t - 1);
            }
            else prob = Math.Exp(LogFactorialOverPower(n) + n * Math.Log(2 * t - 1));
            return Clip(1.0 - prob);
        }
        if (t >= n - 1) return Clip(2 * Math.Pow(1.0 - x, n));
        if (x >= 0.5) return Clip(2 * SmirnovSf(n, x));
        var nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693) return Clip(1.0 - Clip(Durbin(n, x)));
            if (nxSquared <= 4) return Clip(1.0 - Clip(Pomeranz(n, x)));
            return Clip(2 * SmirnovSf(n, x));
        }
        if (nxSquared >= 370.0) return 0.0;
        if (nxSquared >= 2.2) return Clip(2 * SmirnovSf(n, x));
        var cdf = n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4 ? Clip(Durbin(n, x)) : PelzGood(n, x);
        return Clip(1.0 - cdf);
    }

    private static double Clip(double p) => p < 0 ? 0 : p > 1 ? 1 : p;

    /// <summary>log(n!/n^n) by Stirling's series.</summary>
    private static double LogFactorialOverPower(int n)
    {
        ReadOnlySpan<double> c = [-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
            -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2];
        var rn = 1.0 / n;
        var z = rn / n;
        var poly = 0.0;
        foreach (var ci in c) poly = poly * z + ci;
        return Math.Log(n) / 2 - n + Math.Log(2 * Math.PI) / 2 + rn * poly;
    }

    /// <summary>
    /// The one-sided Smirnov survival Pr(D+_n &gt; x) by the Birnbaum–Tingey sum, each term in logs and the sum scaled by its
    /// largest term, so that large n neither overflows the binomials nor loses the small terms.
    /// </summary>
    internal static double SmirnovSf(int n, double x)
    {
        if (x <= 0) return 1.0;
        if (x >= 1) return 0.0;
        var nx = n * x;
        var last = (int)Math.Floor(n - nx);
        if (last < 0) return 0.0;
        var logs = new double[last + 1];
        // log C(n, v) as a running sum with Neumaier's compensation: plain summation of ~n increments to a value near
        // 1e5 drifts by ~1e-9, which is the relative error of the result.
        double logBinomial = 0.0, binomialComp = 0.0;
        var max = double.NegativeInfinity;
        for (var v = 0; v <= last; v++)
        {
            if (v > 0)
            {
                var step = Math.Log((double)(n - v + 1) / v);
                var s = logBinomial + step;
                binomialComp += Math.Abs(logBinomial) >= Math.Abs(step) ? logBinomial - s + step : step - s + logBinomial;
                logBinomial = s;
            }
            var logC = logBinomial + binomialComp;
            var evn = x + (double)v / n;
            var rest = (n - v - nx) / n; // 1 - x - v/n without forming 1 - evn
            double term;
            if (rest <= 0) term = n - v == 0 ? logC + (v - 1) * Math.Log(evn) : double.NegativeInfinity;
            else term = logC + (v - 1) * Math.Log(evn) + (n - v) * Math.Log(rest);
            logs[v] = term;
            if (term > max) max = term;
        }
        if (double.IsNegativeInfinity(max)) return 0.0;
        double sum = 0, comp = 0;
        foreach (var l in logs)
        {
            var term = Math.Exp(l - max);
            var s = sum + term;
            comp += Math.Abs(sum) >= Math.Abs(term) ? sum - s + term : term - s + sum;
            sum = s;
        }
        return x * Math.Exp(max + Math.Log(sum + comp));
    }

    /// <summary>Pr(D_n ≤ d) by Durbin's matrix, raised to the n-th power by squaring with rescaling.</summary>
    private static double Durbin(int n, double d)
    {
        if (d >= 1.0) return 1.0;
        var nd = n * d;
        if (nd <= 0.5) return 0.0;
        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = 2 * k - 1;
        var v = new double[m];
        var w = new double[m];
        var fac = 1.0;
        for (var j = 1; j <= m; j++)
        {
            v[j - 1] = 1.0 - Math.Pow(h, j);
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] *= fac;
        }
        var tt = Math.Pow(Math.Max(2 * h - 1.0, 0), m) - 2 * Math.Pow(h, m);
        v[m - 1] = (1.0 + tt) * fac;
        var hm = new double[m, m];
        for (var i = 1; i < m; i++)
            for (var r = i - 1; r < m; r++) hm[r, i] = w[r - (i - 1)];
        for (var r = 0; r < m; r++) hm[r, 0] = v[r];
        for (var c = 0; c < m; c++) hm[m - 1, c] = v[m - 1 - c];

        var power = new double[m, m];
        for (var i = 0; i < m; i++) power[i, i] = 1.0;
        int nn = n, exponent = 0, hExponent = 0;
        while (nn > 0)
        {
            if (nn % 2 == 1)
            {
                power = Multiply(power, hm, m);
                exponent += hExponent;
            }
            hm = Multiply(hm, hm, m);
            hExponent *= 2;
            if (Math.Abs(hm[k - 1, k - 1]) > Scale)
            {
                ScaleInPlace(hm, m, InvScale);
                hExponent += ScaleExponent;
            }
            nn /= 2;
        }
        var p = power[k - 1, k - 1];
        for (var i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < InvScale)
            {
                p *= Scale;
                exponent -= ScaleExponent;
            }
        }
        return exponent != 0 ? Math.ScaleB(p, exponent) : p;
    }

    private static double[,] Multiply(double[,] a, double[,] b, int m)
    {
        var c = new double[m, m];
        for (var i = 0; i < m; i++)
            for (var l = 0; l < m; l++)
            {
                var ail = a[i, l];
                if (ail == 0) continue;
                for (var j = 0; j < m; j++) c[i, j] += ail * b[l, j];
            }
        return c;
    }

    private static void ScaleInPlace(double[,] a, int m, double factor)
    {
        for (var i = 0; i < m; i++)
            for (var j = 0; j < m; j++) a[i, j] *= factor;
    }

    private static (int, int) PomeranzBounds(int i, int n, int ll, int ceilf, int roundf)
    {
        int j1, j2;
        if (i == 0) (j1, j2) = (-ll - ceilf - 1, ll + ceilf - 1);
        else
        {
            var half = (i + 1) / 2;
            if ((i + 1) % 2 == 0)
            {
                if (half == n + 1) (j1, j2) = (n - ll - ceilf - 1, n + ll + ceilf - 1);
                else (j1, j2) = (half - 1 - ll - roundf - 1, half + ll - 1 + ceilf - 1);
            }
            else (j1, j2) = (half - 1 - ll - 1, half + ll + roundf - 1);
        }
        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>Pr(D_n ≤ x) by Pomeranz's recursion (small n).</summary>
    private static double Pomeranz(int n, double x)
    {
        var t = n * x;
        var ll = (int)Math.Floor(t);
        var f = t - ll;
        var g = Math.Min(f, 1.0 - f);
        var ceilf = f > 0 ? 1 : 0;
        var roundf = f > 0.5 ? 1 : 0;
        var npwrs = 2 * (ll + 1);
        var gpower = new double[npwrs];
        var twogpower = new double[npwrs];
        var onem2gpower = new double[npwrs];
        gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
        double gn = g / n, g2n = 2 * g / n, omg = (1 - 2 * g) / n;
        for (var m = 1; m < npwrs; m++)
        {
            gpower[m] = gpower[m - 1] * gn / m;
            twogpower[m] = twogpower[m - 1] * g2n / m;
            onem2gpower[m] = onem2gpower[m - 1] * omg / m;
        }
        var v0 = new double[npwrs];
        var v1 = new double[npwrs];
        v1[0] = 1;
        int v0s = 0, v1s = 0, exponent = 0;
        var (j1, j2) = PomeranzBounds(0, n, ll, ceilf, roundf);
        for (var i = 1; i < 2 * n + 2; i++)
        {
            var k1 = j1;
            (v0, v1) = (v1, v0);
            (v0s, v1s) = (v1s, v0s);
            Array.Clear(v1);
            (j1, j2) = PomeranzBounds(i, n, ll, ceilf, roundf);
            var pwrs = i == 1 || i == 2 * n + 1 ? gpower : i % 2 == 1 ? twogpower : onem2gpower;
            var ln2 = j2 - k1 + 1;
            if (ln2 <= 0) continue;
            var start = j1 - k1;
            var len = j2 - j1 + 1;
            var max = 0.0;
            for (var o = 0; o < len; o++)
            {
                // Entry start+o of the full convolution of V0[k1-V0s ..][:ln2] with pwrs[:ln2].
                var idx = start + o;
                var s = 0.0;
                for (var a = Math.Max(0, idx - ln2 + 1); a <= Math.Min(idx, ln2 - 1); a++) s += v0[k1 - v0s + a] * pwrs[idx - a];
                v1[o] = s;
                if (s > max) max = s;
            }
            if (max > 0 && max < InvScale)
            {
                for (var o = 0; o < npwrs; o++) v1[o] *= Scale;
                exponent -= ScaleExponent;
            }
            v1s = v0s + j1 - k1;
        }
        var ans = v1[n - v1s];
        for (var m = 1; m <= n; m++)
        {
            if (Math.Abs(ans) > Scale)
            {
                ans *= InvScale;
                exponent += ScaleExponent;
            }
            ans *= m;
        }
        return exponent != 0 ? Math.ScaleB(ans, exponent) : ans;
    }

    /// <summary>Pr(D_n ≤ x) by the Pelz–Good expansion (large n, moderate x).</summary>
    private static double PelzGood(int n, double x)
    {
        if (x <= 0.0) return 0.0;
        if (x >= 1.0) return 1.0;
        var z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
        var qlog = -Math.PI * Math.PI / 8 / z2;
        if (qlog < -708) return 0.0;
        var q = Math.Exp(qlog);
        const double pi2 = Math.PI * Math.PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
        var k1a = -z2;
        var k1b = pi2 / 4;
        var k2a = 6 * z6 + 2 * z4;
        var k2b = (2 * z4 - 5 * z2) * pi2 / 4;
        var k2c = pi4 * (1 - 2 * z2) / 16;
        var k3d = pi6 * (5 - 30 * z2) / 64;
        var k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
        var k3b = pi2 * (135 * z4 - 96 * z6) / 4;
        var k3a = -30 * z6 - 90 * Math.Pow(z, 8);
        Span<double> k = stackalloc double[4];
        var maxk = (int)Math.Ceiling(16 * z / Math.PI);
        for (var kk = maxk; kk > 0; kk--)
        {
            var m = 2.0 * kk - 1;
            double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            var qpower = Math.Pow(q, 8 * kk);
            for (var i = 0; i < 4; i++) k[i] *= qpower;
            k[0] += 1.0;
            k[1] += k1a + k1b * m2;
            k[2] += k2a + k2b * m2 + k2c * m4;
            k[3] += k3a + k3b * m2 + k3c * m4 + k3d * m6;
        }
        var factor = q * Math.Sqrt(2 * Math.PI);
        k[0] = k[0] * factor / z;
        k[1] = k[1] * factor / (6 * z4);
        k[2] = k[2] * factor / (72 * Math.Pow(z, 7));
        k[3] = k[3] * factor / (6480 * Math.Pow(z, 10));
        var q2 = Math.Exp(-pi2 / 2 / z2);
        double extra2 = 0, extra3 = 0;
        var sqrt3z = Math.Sqrt(3) * z;
        for (var kk = maxk; kk > 0; kk--)
        {
            double ksq = (double)kk * kk, kspi = Math.PI * kk;
            var qp = Math.Pow(q2, ksq);
            extra2 += ksq * qp;
            extra3 += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
        }
        k[2] += extra2 * pi2 * Math.Sqrt(2 * Math.PI) / (-36 * z3);
        k[3] += extra3 * pi2 * Math.Sqrt(2 * Math.PI) / (216 * z6);
        var sum = 0.0;
        for (var i = 0; i < 4; i++) sum += k[i] / Math.Pow(n, i / 2.0);
        return sum;
    }
}
