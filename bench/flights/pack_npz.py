# Packs flights-3m.csv as flights-3m.npz for device_screen.sh (about 16 MB against 107 MB of CSV).
# Usage: /usr/bin/python3 bench/flights/pack_npz.py [FLIGHTS_CSV [OUT_NPZ]]
import pandas as pd, numpy as np, sys
df = pd.read_csv(sys.argv[1] if len(sys.argv) > 1 else '/work/data/flights-3m.csv', dtype={'date': str})
print(df.dtypes)
d = pd.to_datetime(df.date)
assert (d.dt.strftime('%Y-%m-%dT%H:%M:%S') == df.date).all()
minutes = ((d - pd.Timestamp('2001-01-01')).dt.total_seconds() // 60).astype(np.int32).values
orig = df.origin.astype('category'); dest = df.destination.astype(pd.CategoricalDtype(orig.cat.categories.union(df.destination.unique())))
orig = df.origin.astype(dest.dtype)
np.savez_compressed(sys.argv[2] if len(sys.argv) > 2 else 'bench/out/flights/flights-3m.npz', minutes=minutes, delay=df.delay.values.astype(np.int32),
    distance=df.distance.values.astype(np.int32), origin=orig.cat.codes.values.astype(np.int16), destination=dest.cat.codes.values.astype(np.int16),
    delayed=df.delayed.values.astype(np.int8), names=np.array(dest.cat.categories, dtype=str))
