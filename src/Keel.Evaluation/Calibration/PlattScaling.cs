namespace Keel.Evaluation.Calibration;

/// <summary>Platt's sigmoid, p = 1 / (1 + exp(A·f + B)), with his smoothed targets (N+ + 1)/(N+ + 2) and 1/(N− + 2):
/// scikit-learn's CalibratedClassifierCV(method='sigmoid', cv='prefit') on a model's positive-class probability.</summary>
/// <remarks>The objective is convex, so Newton's method (with step halving) reaches its minimum to machine precision; scikit-learn's
/// BFGS stops at a gradient of 1e-5, so its A and B agree to about 1e-6, the exact optimum to 1e-9.</remarks>
internal sealed record PlattScaling(double A, double B) : ICalibrator
{
    public string Method => "sigmoid";

    public Keel.Core.Models.ProbabilityCalibration State => new(Method, A, B, [], []);

    public double[] Apply(double[] p1) => p1.Select(State.Apply).ToArray();

    public static PlattScaling Fit(int[] truth, double[] f)
    {
        double prior1 = truth.Count(t => t > 0), prior0 = truth.Length - prior1;
        var target = truth.Select(t => t > 0 ? (prior1 + 1) / (prior1 + 2) : 1 / (prior0 + 2)).ToArray();
        double a = 0, b = Math.Log((prior0 + 1) / (prior1 + 1));
        var loss = Loss(a, b, f, target);
        for (var iter = 0; iter < 200; iter++)
        {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (var i = 0; i < f.Length; i++)
            {
                var p = Sigmoid(-(a * f[i] + b));
                var r = target[i] - p; // d loss / d(a f + b)
                var w = p * (1 - p);
                ga += r * f[i];
                gb += r;
                haa += w * f[i] * f[i];
                hab += w * f[i];
                hbb += w;
            }
            var det = haa * hbb - hab * hab;
            if (!(det > 0) || (Math.Abs(ga) < 1e-14 * f.Length && Math.Abs(gb) < 1e-14 * f.Length)) break;
            var da = -(hbb * ga - hab * gb) / det;
            var db = -(haa * gb - hab * ga) / det;
            var step = 1.0;
            double na = a, nb = b, nl = loss;
            while (step > 1e-10)
            {
                na = a + step * da;
                nb = b + step * db;
                nl = Loss(na, nb, f, target);
                if (nl <= loss) break;
                step /= 2;
            }
            var done = Math.Abs(na - a) <= 1e-15 * Math.Max(1, Math.Abs(a)) && Math.Abs(nb - b) <= 1e-15 * Math.Max(1, Math.Abs(b));
            if (nl > loss) break;
            (a, b, loss) = (na, nb, nl);
            if (done) break;
        }
        return new PlattScaling(a, b);
    }

    private static double Loss(double a, double b, double[] f, double[] t)
    {
        var s = 0.0;
        for (var i = 0; i < f.Length; i++)
        {
            // -(t log p + (1 - t) log(1 - p)) with p = sigmoid(-z), in a form that does not overflow.
            var z = a * f[i] + b;
            s += t[i] * LogOnePlusExp(z) + (1 - t[i]) * LogOnePlusExp(-z);
        }
        return s;
    }

    private static double LogOnePlusExp(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
}
