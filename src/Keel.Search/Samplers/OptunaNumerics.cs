namespace Keel.Search.Samplers;

/// <summary>
/// The arithmetic behind Optuna 3.1's TPE, operation for operation, so that <see cref="OptunaTpe"/> reproduces its doubles:
/// glibc's erf, erfc and log1p (fdlibm's algorithms as glibc 2.36 evaluates them on x86-64; Python's math module and numpy call them),
/// Optuna's own vectorised erf, numpy's pairwise sum and introsort argsort, and Optuna's truncated normal (log Φ, log mass, the
/// bisection ppf, logpdf). exp and log are <see cref="Math"/>'s, which are the C library's on Linux, as numpy's are on a CPU
/// without AVX-512 (numpy's AVX-512 exp, log and log1p differ in the last bit: bench/results.md, round 6).
/// </summary>
internal static class OptunaNumerics
{
    private static readonly double Sqrt2 = Math.Sqrt(2);
    private static readonly double NormPdfLogC = Math.Log(Math.Sqrt(2 * Math.PI));
    private const double LogE2 = 0.6931471805599453;
    private const double MachineEpsilon = 2.220446049250313e-16;

    // fdlibm's coefficients of erf/erfc (shared by Optuna's _erf.py).
    private const double Erx = 8.45062911510467529297e-01, Efx = 1.28379167095512586316e-01;
    private const double Pp0 = 1.28379167095512558561e-01, Pp1 = -3.25042107247001499370e-01, Pp2 = -2.84817495755985104766e-02,
        Pp3 = -5.77027029648944159157e-03, Pp4 = -2.37630166566501626084e-05;
    private const double Qq1 = 3.97917223959155352819e-01, Qq2 = 6.50222499887672944485e-02, Qq3 = 5.08130628187576562776e-03,
        Qq4 = 1.32494738004321644526e-04, Qq5 = -3.96022827877536812320e-06;
    private const double Pa0 = -2.36211856075265944077e-03, Pa1 = 4.14856118683748331666e-01, Pa2 = -3.72207876035701323847e-01,
        Pa3 = 3.18346619901161753674e-01, Pa4 = -1.10894694282396677476e-01, Pa5 = 3.54783043256182359371e-02, Pa6 = -2.16637559486879084300e-03;
    private const double Qa1 = 1.06420880400844228286e-01, Qa2 = 5.40397917702171048937e-01, Qa3 = 7.18286544141962662868e-02,
        Qa4 = 1.26171219808761642112e-01, Qa5 = 1.36370839120290507362e-02, Qa6 = 1.19844998467991074170e-02;
    private const double Ra0 = -9.86494403484714822705e-03, Ra1 = -6.93858572707181764372e-01, Ra2 = -1.05586262253232909814e01,
        Ra3 = -6.23753324503260060396e01, Ra4 = -1.62396669462573470355e02, Ra5 = -1.84605092906711035994e02, Ra6 = -8.12874355063065934246e01,
        Ra7 = -9.81432934416914548592e00;
    private const double Sa1 = 1.96512716674392571292e01, Sa2 = 1.37657754143519042600e02, Sa3 = 4.34565877475229228821e02,
        Sa4 = 6.45387271733267880336e02, Sa5 = 4.29008140027567833386e02, Sa6 = 1.08635005541779435134e02, Sa7 = 6.57024977031928170135e00,
        Sa8 = -6.04244152148580987438e-02;
    private const double Rb0 = -9.86494292470009928597e-03, Rb1 = -7.99283237680523006574e-01, Rb2 = -1.77579549177547519889e01,
        Rb3 = -1.60636384855821916062e02, Rb4 = -6.37566443368389627722e02, Rb5 = -1.02509513161107724954e03, Rb6 = -4.83519191608651397019e02;
    private const double Sb1 = 3.03380607434824582924e01, Sb2 = 3.25792512996573918826e02, Sb3 = 1.53672958608443695994e03,
        Sb4 = 3.19985821950859553908e03, Sb5 = 2.55305040643316442583e03, Sb6 = 4.74528541206955367215e02, Sb7 = -2.24409524465858183362e01;

    private static int High(double x) => (int)(BitConverter.DoubleToInt64Bits(x) >> 32);

    private static double WithHigh(double x, int high) =>
        BitConverter.Int64BitsToDouble(((long)high << 32) | (BitConverter.DoubleToInt64Bits(x) & 0xffffffffL));

    private static double WithoutLow(double x) => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(x) & unchecked((long)0xffffffff00000000UL));

    /// <summary>The |x| &lt; 0.84375 rational part of erf (glibc's Estrin-style evaluation).</summary>
    private static double SmallY(double x)
    {
        var z = x * x;
        double r1 = Pp0 + z * Pp1, z2 = z * z, r2 = Pp2 + z * Pp3, z4 = z2 * z2;
        double s1 = 1 + z * Qq1, s2 = Qq2 + z * Qq3, s3 = Qq4 + z * Qq5;
        var r = r1 + z2 * r2 + z4 * Pp4;
        var s = s1 + z2 * s2 + z4 * s3;
        return r / s;
    }

    /// <summary>P/Q of erf on 0.84375 ≤ |x| &lt; 1.25.</summary>
    private static double MidRatio(double ax)
    {
        var s = ax - 1;
        double p1 = Pa0 + s * Pa1, s2 = s * s, q1 = 1 + s * Qa1, s4 = s2 * s2, p2 = Pa2 + s * Pa3, s6 = s4 * s2, q2 = Qa2 + s * Qa3;
        double p3 = Pa4 + s * Pa5, q3 = Qa4 + s * Qa5;
        var p = p1 + s2 * p2 + s4 * p3 + s6 * Pa6;
        var q = q1 + s2 * q2 + s4 * q3 + s6 * Qa6;
        return p / q;
    }

    /// <summary>exp(-x² - 0.5625 + R/S) / x for x ≥ 1.25, as fdlibm splits it (x's low word dropped for an exact square).</summary>
    private static double TailOverX(double x, bool nearTail)
    {
        var s = 1 / (x * x);
        double rr, ss;
        if (nearTail)
        {
            double r1 = Ra0 + s * Ra1, s2 = s * s, q1 = 1 + s * Sa1, s4 = s2 * s2, r2 = Ra2 + s * Ra3, s6 = s4 * s2, q2 = Sa2 + s * Sa3, s8 = s4 * s4;
            double r3 = Ra4 + s * Ra5, q3 = Sa4 + s * Sa5, r4 = Ra6 + s * Ra7, q4 = Sa6 + s * Sa7;
            rr = r1 + s2 * r2 + s4 * r3 + s6 * r4;
            ss = q1 + s2 * q2 + s4 * q3 + s6 * q4 + s8 * Sa8;
        }
        else
        {
            double r1 = Rb0 + s * Rb1, s2 = s * s, q1 = 1 + s * Sb1, s4 = s2 * s2, r2 = Rb2 + s * Rb3, s6 = s4 * s2, q2 = Sb2 + s * Sb3;
            double r3 = Rb4 + s * Rb5, q3 = Sb4 + s * Sb5, q4 = Sb6 + s * Sb7;
            rr = r1 + s2 * r2 + s4 * r3 + s6 * Rb6;
            ss = q1 + s2 * q2 + s4 * q3 + s6 * q4;
        }
        var z = WithoutLow(x);
        var r = Math.Exp(-z * z - 0.5625) * Math.Exp((z - x) * (z + x) + rr / ss);
        return r / x;
    }

    /// <summary>erf(x) as glibc 2.36 computes it (Python's math.erf).</summary>
    public static double Erf(double x)
    {
        var hx = High(x);
        var ix = hx & 0x7fffffff;
        if (ix >= 0x7ff00000) return double.IsNaN(x) ? x : Math.Sign(x);
        if (ix < 0x3feb0000)
        {
            if (ix < 0x3e300000) return ix < 0x00800000 ? 0.0625 * (16.0 * x + 16.0 * Efx * x) : x + Efx * x;
            return x + x * SmallY(x);
        }
        if (ix < 0x3ff40000) return hx >= 0 ? Erx + MidRatio(Math.Abs(x)) : -Erx - MidRatio(Math.Abs(x));
        if (ix >= 0x40180000) return hx >= 0 ? 1 - 1e-300 : 1e-300 - 1;
        var t = TailOverX(Math.Abs(x), ix < 0x4006DB6E);
        return hx >= 0 ? 1 - t : t - 1;
    }

    /// <summary>erfc(x) as glibc 2.36 computes it (Python's math.erfc).</summary>
    public static double Erfc(double x)
    {
        var hx = High(x);
        var ix = hx & 0x7fffffff;
        if (ix >= 0x7ff00000) return double.IsNaN(x) ? x : x > 0 ? 0 : 2;
        if (ix < 0x3feb0000)
        {
            if (ix < 0x3c700000) return 1 - x;
            var y = SmallY(x);
            if (hx < 0x3fd00000) return 1 - (x + x * y);
            var r = x * y;
            r += x - 0.5;
            return 0.5 - r;
        }
        if (ix < 0x3ff40000) return hx >= 0 ? (1 - Erx) - MidRatio(Math.Abs(x)) : 1 + (Erx + MidRatio(Math.Abs(x)));
        if (ix < 0x403c0000)
        {
            if (hx < 0 && ix >= 0x40180000) return 2 - 1e-300;
            // glibc's erfc switches to the far-tail coefficients one word below erf's switch.
            var t = TailOverX(Math.Abs(x), ix < 0x4006DB6D);
            return hx > 0 ? t : 2 - t;
        }
        return hx > 0 ? 0 : 2 - 1e-300;
    }

    /// <summary>log(1 + x) as glibc 2.36 computes it on x86-64 with FMA (numpy's and Python's log1p): fdlibm's algorithm in the
    /// build an ifunc picks on CPUs with FMA, where the compiler fused these multiply-adds (read from its machine code).</summary>
    public static double Log1p(double x)
    {
        const double ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10;
        const double lp1 = 6.666666666666735130e-01, lp2 = 3.999999999940941908e-01, lp3 = 2.857142874366239149e-01,
            lp4 = 2.222219843214978396e-01, lp5 = 1.818357216161805012e-01, lp6 = 1.531383769920937332e-01, lp7 = 1.479819860511658591e-01;
        var hx = High(x);
        var ax = hx & 0x7fffffff;
        var k = 1;
        double f = 0, c = 0;
        var hu = 0;
        if (hx < 0x3FDA827A)
        {
            if (ax >= 0x3ff00000) return x == -1.0 ? double.NegativeInfinity : double.NaN;
            if (ax < 0x3e200000) return ax < 0x3c900000 ? x : Math.FusedMultiplyAdd(-(x * x), 0.5, x);
            if (hx > 0 || hx <= unchecked((int)0xbfd2bec3))
            {
                k = 0;
                f = x;
                hu = 1;
            }
        }
        else if (hx >= 0x7ff00000) return x + x;
        if (k != 0)
        {
            double u;
            if (hx < 0x43400000)
            {
                u = 1.0 + x;
                hu = High(u);
                k = (hu >> 20) - 1023;
                c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0);
                c /= u;
            }
            else
            {
                u = x;
                hu = High(u);
                k = (hu >> 20) - 1023;
                c = 0;
            }
            hu &= 0x000fffff;
            if (hu < 0x6a09e) u = WithHigh(u, hu | 0x3ff00000);
            else
            {
                k += 1;
                u = WithHigh(u, hu | 0x3fe00000);
                hu = (0x00100000 - hu) >> 2;
            }
            f = u - 1.0;
        }
        var hfsq = 0.5 * f * f;
        if (hu == 0)
        {
            if (f == 0) return k == 0 ? 0 : Math.FusedMultiplyAdd(k, ln2Hi, Math.FusedMultiplyAdd(k, ln2Lo, c));
            var rr = hfsq * Math.FusedMultiplyAdd(-0.66666666666666666, f, 1.0);
            return k == 0 ? f - rr : Math.FusedMultiplyAdd(k, ln2Hi, -((rr - Math.FusedMultiplyAdd(k, ln2Lo, c)) - f));
        }
        var s = f / (2.0 + f);
        var z = s * s;
        double z2 = z * z, z4 = z2 * z2, z6 = z4 * z2;
        var r = Math.FusedMultiplyAdd(z6, Math.FusedMultiplyAdd(z, lp7, lp6), Math.FusedMultiplyAdd(z4, Math.FusedMultiplyAdd(z, lp5, lp4),
            Math.FusedMultiplyAdd(z, lp1, z2 * Math.FusedMultiplyAdd(z, lp3, lp2))));
        var t = s * (hfsq + r);
        return k == 0 ? f - (hfsq - t) : Math.FusedMultiplyAdd(k, ln2Hi, -((hfsq - (t + Math.FusedMultiplyAdd(k, ln2Lo, c))) - f));
    }

    /// <summary>Optuna 3.1's numpy erf (fdlibm's in Horner form, without the exact-square split), which its _ndtr uses.</summary>
    public static double OptunaErf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        var a = Math.Abs(x);
        if (a < 1.0 / (1 << 28)) return x + Efx * x;
        if (a < 0.84375)
        {
            var z = x * x;
            var r = Pp0 + z * (Pp1 + z * (Pp2 + z * (Pp3 + z * Pp4)));
            var s = 1 + z * (Qq1 + z * (Qq2 + z * (Qq3 + z * (Qq4 + z * Qq5))));
            return x + x * (r / s);
        }
        if (a < 1.25)
        {
            var s = a - 1;
            var p = Pa0 + s * (Pa1 + s * (Pa2 + s * (Pa3 + s * (Pa4 + s * (Pa5 + s * Pa6)))));
            var q = 1 + s * (Qa1 + s * (Qa2 + s * (Qa3 + s * (Qa4 + s * (Qa5 + s * Qa6)))));
            return (Erx + p / q) * Math.Sign(x);
        }
        if (a >= 6) return Math.Sign(x);
        var t = 1 / (a * a);
        double rr, ss;
        if (a < 1 / 0.35)
        {
            rr = Ra0 + t * (Ra1 + t * (Ra2 + t * (Ra3 + t * (Ra4 + t * (Ra5 + t * (Ra6 + t * Ra7))))));
            ss = 1 + t * (Sa1 + t * (Sa2 + t * (Sa3 + t * (Sa4 + t * (Sa5 + t * (Sa6 + t * (Sa7 + t * Sa8)))))));
        }
        else
        {
            rr = Rb0 + t * (Rb1 + t * (Rb2 + t * (Rb3 + t * (Rb4 + t * (Rb5 + t * Rb6)))));
            ss = 1 + t * (Sb1 + t * (Sb2 + t * (Sb3 + t * (Sb4 + t * (Sb5 + t * (Sb6 + t * Sb7))))));
        }
        var e = Math.Exp(-a * a - 0.5625) * Math.Exp(rr / ss);
        return (1 - e / a) * Math.Sign(x);
    }

    /// <summary>numpy's sum of a contiguous float64 array: pairwise, eight accumulators per block of up to 128.</summary>
    public static double PairwiseSum(ReadOnlySpan<double> a)
    {
        var n = a.Length;
        if (n < 8)
        {
            var res = 0.0;
            foreach (var v in a) res += v;
            return res;
        }
        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            var i = 8;
            for (; i < n - n % 8; i += 8)
            {
                for (var j = 0; j < 8; j++) r[j] += a[i + j];
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) res += a[i];
            return res;
        }
        var n2 = n / 2;
        n2 -= n2 % 8;
        return PairwiseSum(a[..n2]) + PairwiseSum(a[n2..]);
    }

    /// <summary>numpy's default <c>argsort</c> of float64 (introsort: median-of-three quicksort, insertion sort up to 16
    /// elements, heapsort past the depth limit); ties come out in the order that algorithm leaves them.</summary>
    public static int[] Argsort(double[] v)
    {
        var idx = Enumerable.Range(0, v.Length).ToArray();
        if (v.Length < 2) return idx;
        var stack = new Stack<(int L, int R, int Depth)>();
        int pl = 0, pr = v.Length - 1;
        var cdepth = 2 * (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)v.Length));
        while (true)
        {
            if (cdepth < 0) HeapSort(v, idx, pl, pr - pl + 1);
            else
            {
                while (pr - pl > 15)
                {
                    var pm = pl + ((pr - pl) >> 1);
                    if (v[idx[pm]] < v[idx[pl]]) (idx[pm], idx[pl]) = (idx[pl], idx[pm]);
                    if (v[idx[pr]] < v[idx[pm]]) (idx[pr], idx[pm]) = (idx[pm], idx[pr]);
                    if (v[idx[pm]] < v[idx[pl]]) (idx[pm], idx[pl]) = (idx[pl], idx[pm]);
                    var vp = v[idx[pm]];
                    var pi = pl;
                    var pj = pr - 1;
                    (idx[pm], idx[pj]) = (idx[pj], idx[pm]);
                    while (true)
                    {
                        do ++pi; while (v[idx[pi]] < vp);
                        do --pj; while (vp < v[idx[pj]]);
                        if (pi >= pj) break;
                        (idx[pi], idx[pj]) = (idx[pj], idx[pi]);
                    }
                    var pk = pr - 1;
                    (idx[pi], idx[pk]) = (idx[pk], idx[pi]);
                    cdepth--;
                    if (pi - pl < pr - pi)
                    {
                        stack.Push((pi + 1, pr, cdepth));
                        pr = pi - 1;
                    }
                    else
                    {
                        stack.Push((pl, pi - 1, cdepth));
                        pl = pi + 1;
                    }
                }
                for (var pi = pl + 1; pi <= pr; pi++)
                {
                    var vi = idx[pi];
                    var vv = v[vi];
                    var pj = pi;
                    while (pj > pl && vv < v[idx[pj - 1]])
                    {
                        idx[pj] = idx[pj - 1];
                        pj--;
                    }
                    idx[pj] = vi;
                }
            }
            if (stack.Count == 0) break;
            (pl, pr, cdepth) = stack.Pop();
        }
        return idx;
    }

    /// <summary>numpy's aheapsort over idx[start .. start + n - 1] (a 1-based heap).</summary>
    internal static void HeapSort(double[] v, int[] idx, int start, int n)
    {
        void SiftDown(int i, int tmp, int size)
        {
            for (var j = i << 1; j <= size;)
            {
                if (j < size && v[idx[start + j - 1]] < v[idx[start + j]]) j++;
                if (!(v[tmp] < v[idx[start + j - 1]])) break;
                idx[start + i - 1] = idx[start + j - 1];
                i = j;
                j += j;
            }
            idx[start + i - 1] = tmp;
        }
        for (var l = n >> 1; l > 0; --l) SiftDown(l, idx[start + l - 1], n);
        for (; n > 1;)
        {
            var tmp = idx[start + n - 1];
            idx[start + n - 1] = idx[start];
            n--;
            SiftDown(1, tmp, n);
        }
    }

    /// <summary>numpy's logaddexp: log(exp(x) + exp(y)) through log1p.</summary>
    public static double LogAddExp(double x, double y)
    {
        if (x == y) return x + LogE2;
        var tmp = x - y;
        if (tmp > 0) return x + Log1p(Math.Exp(-tmp));
        if (tmp <= 0) return y + Log1p(Math.Exp(tmp));
        return tmp;
    }

    /// <summary>Φ(a) through math.erf/erfc, as Optuna's _ndtr_single.</summary>
    private static double NdtrSingle(double a)
    {
        var x = a / Sqrt2;
        if (x < -1 / Sqrt2) return 0.5 * Erfc(-x);
        if (x < 1 / Sqrt2) return 0.5 + 0.5 * Erf(x);
        return 1.0 - 0.5 * Erfc(x);
    }

    /// <summary>log Φ(a), as Optuna's _log_ndtr_single (an asymptotic series below -20).</summary>
    public static double LogNdtr(double a)
    {
        if (a > 6) return -NdtrSingle(-a);
        if (a > -20) return Math.Log(NdtrSingle(a));
        // Python's a**2 is the C library's pow, which now and then differs from a * a in the last bit.
        var a2 = Math.Pow(a, 2);
        var logLhs = -0.5 * a2 - Math.Log(-a) - 0.5 * Math.Log(2 * Math.PI);
        double lastTotal = 0, rhs = 1, numerator = 1, denomFactor = 1, denomCons = 1 / a2;
        var sign = 1;
        var i = 0;
        while (Math.Abs(lastTotal - rhs) > MachineEpsilon)
        {
            i++;
            lastTotal = rhs;
            sign = -sign;
            denomFactor *= denomCons;
            numerator *= 2 * i - 1;
            rhs += sign * numerator * denomFactor;
        }
        return logLhs + Math.Log(rhs);
    }

    /// <summary>Φ(a) through Optuna's numpy erf (its vectorised _ndtr).</summary>
    private static double Ndtr(double a) => 0.5 + 0.5 * OptunaErf(a / Sqrt2);

    private static double LogDiff(double logP, double logQ) => logP + Log1p(-Math.Exp(logQ - logP));

    /// <summary>log of the standard normal's mass in [a, b], as Optuna's _log_gauss_mass.</summary>
    public static double LogGaussMass(double a, double b)
    {
        if (b <= 0) return LogDiff(LogNdtr(b), LogNdtr(a));
        if (a > 0) return LogDiff(LogNdtr(-a), LogNdtr(-b));
        return Log1p(-Ndtr(a) - Ndtr(-b));
    }

    /// <summary>The standard normal truncated to [a, b]: its quantile at q, by Optuna's bisection on log Φ.</summary>
    public static double Ppf(double q, double a, double b)
    {
        if (a == b) return double.NaN;
        if (q == 0) return a;
        if (q == 1) return b;
        return a < 0
            ? NdtriExp(LogAddExp(LogNdtr(a), Math.Log(q) + LogGaussMass(a, b)))
            : -NdtriExp(LogAddExp(LogNdtr(-b), Log1p(-q) + LogGaussMass(a, b)));
    }

    private static double NdtriExp(double y)
    {
        double a = -100, b = 100, m = 0;
        if (LogNdtr(a) > y) (a, b) = (b, a);
        for (var i = 0; i < 100; i++)
        {
            m = (a + b) / 2;
            if (LogNdtr(m) < y) a = m;
            else b = m;
        }
        return m;
    }

    /// <summary>log density at x of N(loc, scale²) truncated to [loc + a·scale, loc + b·scale], with the log of the scale left
    /// out (Optuna 3.1's _truncnorm.logpdf).</summary>
    public static double TruncLogPdf(double x, double a, double b, double loc, double scale)
    {
        var z = (x - loc) / scale;
        if (a == b) return double.NaN;
        if (z < a || b < z) return double.NegativeInfinity;
        return (-(z * z) / 2.0 - NormPdfLogC) - LogGaussMass(a, b);
    }
}
