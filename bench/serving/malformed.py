#!/usr/bin/env python3
"""Sends malformed prediction requests to a running keel serve and checks every answer.

Usage: malformed.py BASE_URL PID [COUNT] [SEED]
Kinds (round robin over a seeded shuffle): truncated JSON, invalid JSON/UTF-8/binary, wrong types, missing columns, extra values,
wrong shapes, empty bodies, huge bodies (over the 8 MiB limit), too many rows, wrong or absent content types, malformed CSV,
malformed Open Inference v2 bodies, malformed feedback. Every answer must be a 4xx with a JSON body {"error_code", "message"}
(non-empty); a 5xx, a non-JSON error or a dropped connection is a failure. The server's RSS (from /proc/PID/status) is sampled
after a warm-up of COUNT/10 requests and after COUNT requests; a valid request must still be answered at the end.
Prints a JSON summary and exits 1 on any failure.
"""
import http.client
import json
import random
import sys
import time
import urllib.parse

COLUMNS = ["Seniority", "Home", "Time", "Age", "Marital", "Records", "Job", "Expenses", "Income", "Assets", "Debt", "Amount", "Price"]
ROW = [9, "rent", 60, 30, "married", "no", "freelance", 73, 129.0, 0.0, 0.0, 800, 846]
NUMERIC = [c for c, v in zip(COLUMNS, ROW) if not isinstance(v, str)]
VALID = json.dumps({"dataframe_split": {"columns": COLUMNS, "data": [ROW]}})
RECORD = dict(zip(COLUMNS, ROW))


def kinds(rng):
    """(name, path, content type or None, body bytes) generators; each call makes a fresh variant."""
    def j(o):
        return json.dumps(o).encode()

    def record(**change):
        r = dict(RECORD)
        for k, v in change.items():
            if v is ...:
                del r[k]
            else:
                r[k] = v
        return r

    def truncated():
        cut = rng.randrange(1, len(VALID) - 1)
        return VALID[:cut].encode()

    def wrong_type():
        col = rng.choice(NUMERIC)
        bad = rng.choice(["lots", True, [1, 2], {"a": 1}, "12,5", "0x10"])
        return j({"dataframe_records": [record(**{col: bad})]})

    def missing():
        drop = rng.sample(COLUMNS, rng.randrange(1, len(COLUMNS)))
        return j({"dataframe_records": [record(**{c: ... for c in drop})]})

    def extra_values():
        return j({"dataframe_split": {"columns": COLUMNS, "data": [ROW + [1] * rng.randrange(1, 5)]}})

    def extra_columns_only():
        return j({"dataframe_records": [{f"col{i}": i for i in range(rng.randrange(1, 20))}]})

    # Made once: building megabytes of JSON per request would time the client, not the server.
    huge_body = j({"dataframe_split": {"columns": COLUMNS, "data": [ROW] * (9 * 1024 * 1024 // len(VALID) + 10)}})
    many_rows = j({"dataframe_split": {"columns": COLUMNS, "data": [ROW] * 10_001}})

    def huge():
        return huge_body

    def too_many_rows():
        return many_rows

    def deep():
        d = rng.randrange(20, 2000)
        return b'{"dataframe_records":' + b"[" * d + b"]" * d + b"}"

    def csv_bad():
        return rng.choice([
            b"Seniority,Home\n1,2,3\n",
            b"Seniority,Home\n",
            b"Income,Age\nabc,3\n",
            b'Income\n"unterminated\n',
            ",".join(COLUMNS).encode() + b"\n" + b"9,rent,60,lots,married,no,freelance,73,129,0,0,800,846\n",
        ])

    def oip_bad():
        return rng.choice([
            j({"inputs": [{"name": "Income"}]}),
            j({"inputs": [{"name": "Income", "shape": [2], "datatype": "FP64", "data": [1]}]}),
            j({"inputs": "x"}),
            j({"inputs": [{"name": c, "shape": [1], "datatype": "FP64", "data": ["x"]} for c in COLUMNS]}),
            b'{"inputs": [',
        ])

    def feedback_bad():
        return rng.choice([b"", b"{", j({"outcome": "bad"}), b'{"request_id": "\xff\xfe", "outcome": "bad"}', j({"request_id": 5, "outcome": "bad"}), j([1, 2]),
                           j({"request_id": "nope", "outcome": {"a": 1}})])

    return [
        ("truncated_json", "/invocations", "application/json", truncated),
        ("invalid_json", "/invocations", "application/json",
         lambda: rng.choice([b"{", b"}", b"nul", b"{'a': 1}", b'{"dataframe_split": NaN}', b"[1,]", b'{"a":1}x'])),
        ("invalid_utf8", "/invocations", "application/json", lambda: b'{"dataframe_records":[{"Home":"\xff\xfe"}]}'),
        ("binary", "/invocations", "application/json", lambda: bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))),
        ("wrong_type", "/invocations", "application/json", wrong_type),
        ("missing_columns", "/invocations", "application/json", missing),
        ("extra_values", "/invocations", "application/json", extra_values),
        ("extra_columns_only", "/invocations", "application/json", extra_columns_only),
        ("wrong_shape", "/invocations", "application/json",
         lambda: rng.choice([j([]), j(None), j(42), j({}), j({"rows": []}), j({"dataframe_records": []}), j({"dataframe_records": {}}),
                             j({"dataframe_records": [1, 2]}), j({"instances": 7}), j({"inputs": "x"}),
                             j({"dataframe_split": {"columns": ["Income", "Income"], "data": [[1, 2]]}})])),
        ("deep_nesting", "/invocations", "application/json", deep),
        ("empty_body", "/invocations", "application/json", lambda: b""),
        ("huge_body", "/invocations", "application/json", huge),
        ("too_many_rows", "/invocations", "application/json", too_many_rows),
        ("wrong_content_type", "/invocations", lambda: rng.choice(["text/plain", "application/xml", "application/x-www-form-urlencoded",
                                                                   "multipart/form-data; boundary=x", "garbage", None]), lambda: VALID.encode()),
        ("malformed_csv", "/invocations", "text/csv", csv_bad),
        ("malformed_oip", "/v2/models/credit-risk/infer", "application/json", oip_bad),
        ("malformed_feedback", "/feedback", "application/json", feedback_bad),
    ]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


class Client:
    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def post(self, path, ctype, body):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            headers = {"Content-Length": str(len(body))}
            if ctype is not None:
                headers["Content-Type"] = ctype
            try:
                self.conn.request("POST", path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, r.getheader("Content-Type", ""), data
            except (ConnectionError, http.client.HTTPException, OSError) as e:
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    return None, "", repr(e).encode()
        return None, "", b""


def main():
    base, pid = sys.argv[1], int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
    ks = kinds(rng)
    client = Client(base)
    by_status, failures, per_kind = {}, [], {}
    warm = max(1, count // 10)
    rss_before, rss_samples = None, []
    t0 = time.time()
    for i in range(warm + count):
        if i == warm:
            rss_before = rss_kib(pid)
        if i >= warm and (i - warm) % max(1, count // 10) == 0:
            rss_samples.append(rss_kib(pid))
        name, path, ctype, make = ks[i % len(ks)]
        ctype = ctype() if callable(ctype) else ctype
        body = make()
        status, rtype, data = client.post(path, ctype, body)
        by_status[status] = by_status.get(status, 0) + 1
        per_kind.setdefault(name, {})
        per_kind[name][status] = per_kind[name].get(status, 0) + 1
        problem = None
        if status is None:
            problem = "no answer: " + data.decode(errors="replace")
        elif not 400 <= status < 500:
            problem = f"status {status}"
        else:
            try:
                err = json.loads(data)
                if not rtype.startswith("application/json") or not err.get("error_code") or not err.get("message"):
                    problem = "error body without error_code/message"
            except ValueError:
                problem = "error body is not JSON"
        if problem and len(failures) < 20:
            failures.append({"kind": name, "content_type": ctype, "body": body[:120].decode(errors="replace"), "problem": problem,
                             "answer": data[:300].decode(errors="replace")})
        elif problem:
            failures.append(None)
    elapsed = time.time() - t0
    rss_after = rss_kib(pid)
    status, _, data = client.post("/invocations", "application/json", VALID.encode())
    summary = {
        "requests": warm + count, "measured": count, "seconds": round(elapsed, 1), "by_status": {str(k): v for k, v in sorted(by_status.items(), key=str)},
        "server_errors_5xx": sum(v for k, v in by_status.items() if k is not None and k >= 500),
        "failures": len(failures), "rss_kib_after_warmup": rss_before, "rss_kib_after": rss_after,
        "rss_change_kib": rss_after - rss_before, "rss_kib_every_tenth": rss_samples + [rss_after], "valid_request_after": status,
        "per_kind": {k: {str(s): n for s, n in v.items()} for k, v in per_kind.items()},
        "first_failures": [f for f in failures if f][:10],
    }
    print(json.dumps(summary, indent=1))
    sys.exit(0 if not failures and status == 200 else 1)


if __name__ == "__main__":
    main()
