using System.Globalization;
using System.Text;
using Keel.Core;

namespace Keel.Training.Heuristics;

/// <summary>Parses rule lines such as <c>`Beak Length (mm)` &gt; 45 and Island == "Biscoe" -&gt; Gentoo</c>.</summary>
/// <remarks>Grammar: rule = or "->" outcome; or = and ("or" and)*; and = atom ("and" atom)*;
/// atom = "(" or ")" | column op value | column "is" ["not"] "missing". Keywords are case-insensitive.</remarks>
internal sealed class RuleParser
{
    private enum Kind { Word, Quoted, Backticked, Op, LParen, RParen, End }

    private sealed record Token(Kind Kind, string Text, int Position);

    private static readonly string[] Ops = ["<=", ">=", "==", "!=", "<", ">"];

    private readonly List<Token> _tokens;
    private readonly string _error;
    private int _next;

    private RuleParser(List<Token> tokens, string error)
    {
        _tokens = tokens;
        _error = error;
    }

    /// <summary>Parses one rule; <paramref name="where"/> prefixes errors, e.g. "models[2] (rules) rule 1".</summary>
    public static Rule Parse(string text, string where)
    {
        var error = $"{where} '{text}'";
        var arrow = text.IndexOf("->", StringComparison.Ordinal);
        if (arrow < 0) throw new KeelInputException($"{error}: expected 'condition -> outcome'.");
        var outcome = text[(arrow + 2)..].Trim();
        if (outcome.Length >= 2 && outcome[0] == '"' && outcome[^1] == '"') outcome = outcome[1..^1];
        if (outcome.Length == 0) throw new KeelInputException($"{error}: expected an outcome after '->'.");
        var parser = new RuleParser(Tokenize(text[..arrow], error), error);
        var condition = parser.ParseOr();
        if (parser.Peek.Kind != Kind.End) throw parser.Fail("'and', 'or' or '->'");
        return new Rule(condition, outcome, text);
    }

    private Token Peek => _tokens[_next];

    private Token Take() => _tokens[_next++];

    private bool TakeKeyword(string keyword)
    {
        if (Peek.Kind != Kind.Word || !Peek.Text.Equals(keyword, StringComparison.OrdinalIgnoreCase)) return false;
        _next++;
        return true;
    }

    private KeelInputException Fail(string expected)
    {
        var t = Peek;
        var got = t.Kind == Kind.End ? "the end of the condition" : $"'{t.Text}'";
        return new KeelInputException($"{_error}: expected {expected} at position {t.Position + 1}, got {got}.");
    }

    private Condition ParseOr()
    {
        var left = ParseAnd();
        while (TakeKeyword("or")) left = new OrCondition(left, ParseAnd());
        return left;
    }

    private Condition ParseAnd()
    {
        var left = ParseAtom();
        while (TakeKeyword("and")) left = new AndCondition(left, ParseAtom());
        return left;
    }

    private Condition ParseAtom()
    {
        if (Peek.Kind == Kind.LParen)
        {
            _next++;
            var inner = ParseOr();
            if (Peek.Kind != Kind.RParen) throw Fail("')'");
            _next++;
            return inner;
        }
        if (Peek.Kind is not (Kind.Word or Kind.Backticked)) throw Fail("a column name");
        var column = Take().Text;
        if (TakeKeyword("is"))
        {
            var negated = TakeKeyword("not");
            if (!TakeKeyword("missing")) throw Fail("'missing'");
            return new MissingCheck(column, negated);
        }
        if (Peek.Kind != Kind.Op) throw Fail("one of < <= > >= == != or 'is missing'");
        var op = Take().Text;
        if (Peek.Kind is not (Kind.Word or Kind.Quoted)) throw Fail("a number or a string");
        var value = Take();
        double? number = value.Kind == Kind.Word && double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        return new Comparison(column, op, value.Text, number);
    }

    private static List<Token> Tokenize(string s, string error)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            var start = i;
            if (c is '(' or ')')
            {
                tokens.Add(new Token(c == '(' ? Kind.LParen : Kind.RParen, c.ToString(), start));
                i++;
            }
            else if (c is '"' or '\'' or '`')
            {
                var end = s.IndexOf(c, i + 1);
                if (end < 0) throw new KeelInputException($"{error}: unclosed {c} at position {start + 1}.");
                tokens.Add(new Token(c == '`' ? Kind.Backticked : Kind.Quoted, s[(i + 1)..end], start));
                i = end + 1;
            }
            else if (Ops.FirstOrDefault(op => string.CompareOrdinal(s, i, op, 0, op.Length) == 0) is { } op)
            {
                tokens.Add(new Token(Kind.Op, op, start));
                i += op.Length;
            }
            else if (c == '=')
            {
                throw new KeelInputException($"{error}: '=' at position {start + 1}; use '==' to compare.");
            }
            else
            {
                var word = new StringBuilder();
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '.' or '-' or '+'))
                    word.Append(s[i++]);
                if (word.Length == 0) throw new KeelInputException($"{error}: unexpected '{c}' at position {start + 1}.");
                tokens.Add(new Token(Kind.Word, word.ToString(), start));
            }
        }
        tokens.Add(new Token(Kind.End, "", s.Length));
        return tokens;
    }
}
