using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Keel.Reports.Tests;

/// <summary>Parses rendered markup as XML, so every test also checks well-formedness.</summary>
internal static class Xml
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static XDocument Parse(string markup)
    {
        using var reader = XmlReader.Create(new StringReader(markup), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    public static IEnumerable<XElement> ByClass(this XContainer root, string cssClass) =>
        root.Descendants().Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains(cssClass) == true);

    public static double Num(this XElement e, string attribute) =>
        double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);

    /// <summary>Tick values of one axis group, in document order.</summary>
    public static List<double> Ticks(this XContainer svg, string axisClass) =>
        svg.ByClass(axisClass).Single().ByClass("tick").Select(t => t.Num("data-value")).ToList();

    /// <summary>The coordinates of a polyline's points attribute.</summary>
    public static List<(double X, double Y)> PolylinePoints(this XElement polyline) =>
        ((string)polyline.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();
}
