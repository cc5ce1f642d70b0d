using System.Globalization;
using System.Text;
using Keel.Core;

namespace Keel.Tracking.Sqlite;

/// <summary>Translates <see cref="Keel.Core.Tracking.RunQuery"/> filter and order_by text into SQL over runs aliased "r", values as parameters.</summary>
internal sealed class RunQuerySql
{
    private static readonly string[] Statuses = ["running", "finished", "failed", "killed"];
    private readonly List<(string, object?)> _args = [];

    /// <summary>Parameters referenced by <see cref="Where"/> and <see cref="OrderBy"/>.</summary>
    public IReadOnlyList<(string, object?)> Args => _args;

    /// <summary>A boolean SQL expression ("1 = 1" when there is no filter).</summary>
    public string Where { get; private set; } = "1 = 1";

    /// <summary>The sort keys, always ending in r.id so the order is total and pages are stable.</summary>
    public IReadOnlyList<SortKey> Keys { get; private set; } = [new("r.start_time", true, SortKeyKind.Text), IdKey];

    /// <summary>An ORDER BY list over <see cref="Keys"/>.</summary>
    public string OrderBy => string.Join(", ", Keys.Select(k => $"{k.Sql} {(k.Descending ? "DESC" : "ASC")}"));

    private static readonly SortKey IdKey = new("r.id", false, SortKeyKind.Text);

    /// <summary>Parses both texts.</summary>
    /// <exception cref="KeelInputException">The filter or order does not follow the grammar; the message quotes it, names the position and says what was expected.</exception>
    public static RunQuerySql Build(string? filter, string? orderBy, IReadOnlyList<string> experimentIds, bool topLevel = false)
    {
        var q = new RunQuerySql();
        var parts = new List<string>();
        if (experimentIds.Count > 0)
            parts.Add($"r.experiment_id IN ({string.Join(", ", experimentIds.Select(q.Arg))})");
        if (topLevel)
            parts.Add($"NOT EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.key = {q.Arg(Keel.Core.Tracking.RunTags.Parent)})");
        if (!string.IsNullOrWhiteSpace(filter))
            parts.Add(new FilterParser(q, filter).Parse());
        if (parts.Count > 0) q.Where = string.Join(" AND ", parts);
        if (!string.IsNullOrWhiteSpace(orderBy)) q.Keys = q.Order(orderBy);
        return q;
    }

    /// <summary>A condition true for runs that sort after the run whose key values are <paramref name="last"/> (keyset paging).</summary>
    public string After(IReadOnlyList<object?> last)
    {
        // (k0 > v0) OR (k0 = v0 AND k1 > v1) OR ...; equality is null-safe (a NULL key equals a NULL value), and a NULL key
        // never compares greater. Written so SQLite and PostgreSQL read it alike.
        var alternatives = new List<string>();
        for (var i = 0; i < Keys.Count; i++)
        {
            var equal = Keys.Take(i).Select((k, j) => last[j] is null ? $"{k.Sql} IS NULL" : $"{k.Sql} IS NOT DISTINCT FROM {Arg(last[j])}");
            var beyond = last[i] is null ? "1 = 0" : $"{Keys[i].Sql} {(Keys[i].Descending ? "<" : ">")} {Arg(last[i])}";
            alternatives.Add(string.Join(" AND ", equal.Append(beyond)));
        }
        // Wrapped whole: the caller ANDs it with the filter, and AND binds tighter than OR.
        return "((" + string.Join(") OR (", alternatives) + "))";
    }

    private string Arg(object? value)
    {
        var name = "$q" + _args.Count.ToString(CultureInfo.InvariantCulture);
        _args.Add((name, value));
        return name;
    }

    private string Clause(IReadOnlyList<Token> tokens)
    {
        var text = string.Join(" ", tokens.Select(t => t.Text));
        KeelInputException Bad(string expected) => new($"run filter clause '{text}' at position {tokens[0].Position + 1}: expected {expected}");
        if (tokens.Count != 3 || tokens[0].Kind != TokenKind.Word || tokens[1].Kind != TokenKind.Op)
            throw Bad("FIELD OP VALUE, e.g. metrics.auc > 0.8, params.model = 'lgbm', status = 'finished'");
        var (field, op, value) = (tokens[0].Text, tokens[1].Text, tokens[2]);
        var sqlOp = op == "!=" ? "<>" : op;
        var dot = field.IndexOf('.', StringComparison.Ordinal);
        var kind = dot < 0 ? field.ToLowerInvariant() : field[..dot].ToLowerInvariant();
        var key = dot < 0 ? "" : field[(dot + 1)..];
        if (dot >= 0 && key.Length == 0) throw Bad($"a name after '{field}'");
        switch (kind)
        {
            case "metrics" when dot >= 0:
                if (value.Kind != TokenKind.Number) throw Bad("a number after the operator");
                return $"EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_id = r.id AND m.key = {Arg(key)} AND m.value {sqlOp} {Arg(value.Number)})";
            case "params" or "tags" when dot >= 0:
                if (value.Kind != TokenKind.Text) throw Bad("a quoted text after the operator, e.g. 'abc'");
                return $"EXISTS (SELECT 1 FROM {kind} p WHERE p.run_id = r.id AND p.key = {Arg(key)} AND p.value {sqlOp} {Arg(value.Value)})";
            case "status" when dot < 0:
                if (op is not ("=" or "!=")) throw Bad("= or != after status");
                var status = value.Value.ToLowerInvariant();
                if (value.Kind != TokenKind.Text || !Statuses.Contains(status))
                    throw Bad("one of 'running', 'finished', 'failed', 'killed' after status " + op);
                return $"r.status {sqlOp} {Arg(status)}";
            case "name" when dot < 0:
                if (value.Kind != TokenKind.Text) throw Bad("a quoted text after the operator, e.g. 'abc'");
                return $"r.name {sqlOp} {Arg(value.Value)}";
            default:
                throw Bad("a field metrics.NAME, params.NAME, tags.NAME, status or name");
        }
    }

    private List<SortKey> Order(string orderBy)
    {
        var items = new List<SortKey>();
        foreach (var raw in orderBy.Split(','))
        {
            var words = raw.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            KeelInputException Bad() => new($"run order_by '{raw.Trim()}': expected start_time, name or metrics.NAME, optionally followed by asc or desc");
            if (words.Length is 0 or > 2) throw Bad();
            var dir = words.Length == 2 ? words[1].ToLowerInvariant() : "asc";
            if (dir is not ("asc" or "desc")) throw Bad();
            var desc = dir == "desc";
            var field = words[0];
            if (field.Equals("start_time", StringComparison.OrdinalIgnoreCase)) items.Add(new("r.start_time", desc, SortKeyKind.Text));
            else if (field.Equals("name", StringComparison.OrdinalIgnoreCase)) items.Add(new("r.name", desc, SortKeyKind.Text));
            else if (field.StartsWith("metrics.", StringComparison.OrdinalIgnoreCase) && field.Length > "metrics.".Length)
            {
                var value = $"(SELECT m.value FROM latest_metrics m WHERE m.run_id = r.id AND m.key = {Arg(field["metrics.".Length..])})";
                // Runs without the metric go last in either direction.
                items.Add(new($"(CASE WHEN {value} IS NULL THEN 1 ELSE 0 END)", false, SortKeyKind.Integer));
                items.Add(new(value, desc, SortKeyKind.Real));
            }
            else throw Bad();
        }
        items.Add(IdKey);
        return items;
    }

    /// <summary>One ORDER BY expression over runs "r".</summary>
    public sealed record SortKey(string Sql, bool Descending, SortKeyKind Kind);

    private enum TokenKind { Word, Op, Text, Number, Open, Close, And, Or }

    private sealed record Token(TokenKind Kind, string Text, string Value, int Position, double Number = 0);

    /// <summary>
    /// Recursive descent over <c>expr := and ("or" and)*</c>, <c>and := factor ("and" factor)*</c>,
    /// <c>factor := "(" expr ")" | FIELD OP VALUE</c>; "and" binds tighter than "or", as in SQL.
    /// </summary>
    private sealed class FilterParser(RunQuerySql q, string filter)
    {
        private readonly List<Token> _tokens = Tokenise(filter);
        private int _at;

        public string Parse()
        {
            var sql = Or();
            if (_at < _tokens.Count)
                throw Error(_tokens[_at], _tokens[_at].Kind == TokenKind.Close ? "'and', 'or' or the end (no '(' is open here)" : "'and', 'or' or the end");
            return sql;
        }

        private string Or()
        {
            var parts = new List<string> { And() };
            while (Peek(TokenKind.Or)) { _at++; parts.Add(And()); }
            return parts.Count == 1 ? parts[0] : "(" + string.Join(" OR ", parts) + ")";
        }

        private string And()
        {
            var parts = new List<string> { Factor() };
            while (Peek(TokenKind.And)) { _at++; parts.Add(Factor()); }
            return parts.Count == 1 ? parts[0] : "(" + string.Join(" AND ", parts) + ")";
        }

        private string Factor()
        {
            if (_at >= _tokens.Count || _tokens[_at].Kind is TokenKind.And or TokenKind.Or or TokenKind.Close)
            {
                var where = _at < _tokens.Count ? $"position {_tokens[_at].Position + 1}, got '{_tokens[_at].Text}'" : "the end";
                throw new KeelInputException($"run filter '{filter}': expected a clause or '(' at {where} (an empty clause)");
            }
            if (_tokens[_at].Kind == TokenKind.Open)
            {
                var open = _tokens[_at++];
                var inner = Or();
                if (!Peek(TokenKind.Close))
                    throw _at < _tokens.Count ? Error(_tokens[_at], $"')' to close the '(' at position {open.Position + 1}")
                        : new KeelInputException($"run filter '{filter}': expected ')' to close the '(' at position {open.Position + 1}, got the end");
                _at++;
                return inner;
            }
            // A clause runs to the next and/or/parenthesis, so a malformed one is quoted whole in the error.
            var clause = new List<Token>();
            while (_at < _tokens.Count && _tokens[_at].Kind is not (TokenKind.And or TokenKind.Or or TokenKind.Open or TokenKind.Close))
                clause.Add(_tokens[_at++]);
            return q.Clause(clause);
        }

        private bool Peek(TokenKind kind) => _at < _tokens.Count && _tokens[_at].Kind == kind;

        private KeelInputException Error(Token got, string expected) =>
            new($"run filter '{filter}': expected {expected} at position {got.Position + 1}, got '{got.Text}'");
    }

    /// <summary>Splits the filter into words, operators, quoted texts, numbers, parentheses and the keywords "and" and "or".</summary>
    private static List<Token> Tokenise(string filter)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < filter.Length)
        {
            var c = filter[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '\'' or '"') { tokens.Add(ReadQuoted(filter, ref i)); continue; }
            if (c is '(' or ')')
            {
                tokens.Add(new Token(c == '(' ? TokenKind.Open : TokenKind.Close, c.ToString(), c.ToString(), i++));
                continue;
            }
            if (c is '=' or '!' or '<' or '>')
            {
                var op = i + 1 < filter.Length && filter[i + 1] == '=' ? filter.Substring(i, 2) : c.ToString();
                if (op == "!") throw new KeelInputException($"run filter '{filter}': expected '!=' at position {i + 1}");
                tokens.Add(new Token(TokenKind.Op, op, op, i));
                i += op.Length;
                continue;
            }
            var start = i;
            while (i < filter.Length && !char.IsWhiteSpace(filter[i]) && filter[i] is not ('=' or '!' or '<' or '>' or '\'' or '"' or '(' or ')')) i++;
            var word = filter[start..i];
            tokens.Add(word.ToLowerInvariant() switch
            {
                "and" => new Token(TokenKind.And, word, word, start),
                "or" => new Token(TokenKind.Or, word, word, start),
                _ when double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && (word[0] is '-' or '+' or '.' || char.IsDigit(word[0]))
                    => new Token(TokenKind.Number, word, word, start, n),
                _ => new Token(TokenKind.Word, word, word, start),
            });
        }
        return tokens;
    }

    private static Token ReadQuoted(string filter, ref int i)
    {
        var quote = filter[i];
        var start = i++;
        var sb = new StringBuilder();
        while (i < filter.Length)
        {
            if (filter[i] == quote)
            {
                // A doubled quote inside a string stands for one quote, as in SQL.
                if (i + 1 < filter.Length && filter[i + 1] == quote) { sb.Append(quote); i += 2; continue; }
                i++;
                return new Token(TokenKind.Text, filter[start..i], sb.ToString(), start);
            }
            sb.Append(filter[i++]);
        }
        throw new KeelInputException($"run filter '{filter}': expected a closing {quote} for the text starting at position {start + 1}");
    }
}
