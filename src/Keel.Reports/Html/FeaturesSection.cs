namespace Keel.Reports;

/// <summary>The registered model's features: per input column, the transforms applied, the output features and the fitted statistics.</summary>
internal static class FeaturesSection
{
    public static void Write(HtmlBuilder html, ReportModel model)
    {
        if (model.Features.Count == 0) return;
        html.Raw("<section id=\"features\">").Element("h2", "Features")
            .Element("p", "Every transform was fitted on the training rows only and is stored in the model package, so keel predict and keel serve apply it unchanged.", "muted");
        string[] header = ["Input", "Type", "Transforms", "Output features", "Fitted statistics"];
        html.Table("features", header.Select(Markup.Escape).ToList(), model.Features.Select(Row));
        html.Raw("</section>");
    }

    private static TableRow Row(FeatureView f)
    {
        const int shown = 12;
        var outputs = string.Join(", ", f.Outputs.Take(shown)) + (f.Outputs.Count > shown ? $", … ({f.Outputs.Count} in all)" : "");
        // A date-time column's fill is a time (held as Unix seconds).
        var stats = string.Join(", ", f.Statistics.Select(kv => $"{kv.Key} {(f.Type == "datetime" && kv.Key == "fill"
            ? NumberFormat.Time(kv.Value) : kv.Value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture))}"));
        var input = f.Inputs.Count == 1 && f.Inputs[0] == f.Column ? Markup.HtmlLabel(f.Column, 32) : $"{Markup.HtmlLabel(f.Column, 32)} <span class=\"muted\">({Markup.Escape(string.Join(" × ", f.Inputs))})</span>";
        return new TableRow(
        [
            input, Markup.Escape(f.Type), Markup.Escape(string.Join(" → ", f.Transforms)), $"<code>{Markup.Escape(outputs)}</code>", Markup.Escape(stats),
        ]);
    }
}
