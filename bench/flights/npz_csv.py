# Rewrites pack_npz.py's flights-3m.npz as flights-3m.csv, byte for byte (md5 f53c0f38eb27a94581523b859ad7c828), on a
# machine without the CSV (device_screen.sh, device_profile.sh). Usage: python3 bench/flights/npz_csv.py IN_NPZ OUT_CSV
import sys, numpy as np, datetime as dt
z = np.load(sys.argv[1]); names = [str(s) for s in z['names']]
base = dt.datetime(2001, 1, 1); cache = {}
with open(sys.argv[2], 'w', newline='\n') as f:
    f.write('date,delay,distance,origin,destination,delayed\n')
    for m, de, di, o, d, y in zip(z['minutes'].tolist(), z['delay'].tolist(), z['distance'].tolist(), z['origin'].tolist(), z['destination'].tolist(), z['delayed'].tolist()):
        s = cache.get(m)
        if s is None: s = cache[m] = (base + dt.timedelta(minutes=m)).strftime('%Y-%m-%dT%H:%M:%S')
        f.write(f'{s},{de},{di},{names[o]},{names[d]},{y}\n')
