"""Writes the monitoring sample (seeded): shop-train.csv (January 2024, the reference a model learns from) and
shop-current.csv (February and March 2024). February looks like January; in March `amount` moves up, `channel` tilts to
'app' and a new country 'SE' appears. Weekends differ from weekdays in every month (more 'app', larger amounts), so a
weekend-only window drifts against all of January but not against January's weekends.
Usage: /usr/bin/python3 make_monitoring_sample.py  (from this folder)"""
import numpy as np, pandas as pd

rng = np.random.default_rng(2024)

def month(year, m, shift):
    days = pd.date_range(f"{year}-{m:02d}-01", periods=pd.Period(f"{year}-{m:02d}").days_in_month, freq="D")
    rows = []
    for d in days:
        weekend = d.dayofweek >= 5
        n = 60 if weekend else 100
        t = d + pd.to_timedelta(rng.integers(0, 86400, n), unit="s")
        amount = np.round(rng.lognormal(3.5 + 0.4 * weekend + 0.5 * shift, 0.6, n), 2)
        age = rng.integers(18, 80, n)
        pw = np.array([0.5, 0.3, 0.2]) if not weekend else np.array([0.25, 0.6, 0.15])
        if shift: pw = np.array([0.2, 0.7, 0.1])
        channel = rng.choice(["web", "app", "store"], n, p=pw)
        pc = [0.6, 0.3, 0.1, 0.0] if not shift else [0.45, 0.25, 0.1, 0.2]
        country = rng.choice(["NO", "DK", "FI", "SE"], n, p=pc)
        logit = -1.5 + 0.01 * (amount - 40) + 0.6 * (channel == "app") - 0.02 * (age - 45)
        churn = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
        rows.append(pd.DataFrame({"date": t.strftime("%Y-%m-%dT%H:%M:%S"), "amount": amount, "age": age, "channel": channel,
                                  "country": country, "churn": churn}))
    return pd.concat(rows)

month(2024, 1, 0).sort_values("date").to_csv("shop-train.csv", index=False)
pd.concat([month(2024, 2, 0), month(2024, 3, 1)]).sort_values("date").to_csv("shop-current.csv", index=False)
