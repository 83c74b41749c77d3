import time, functools
import bench.sweep as s
import dialogues.reminders as R
from django.utils import timezone
from datetime import datetime, time as clock
T = {}
def timed(mod, name):
    f = getattr(mod, name)
    @functools.wraps(f)
    def w(*a, **k):
        t = time.perf_counter(); r = f(*a, **k); T[name] = T.get(name, 0) + time.perf_counter() - t; return r
    setattr(mod, name, w)
for n in ["plan", "_record", "_claim", "_send_batch", "_write_back", "_chase_lists", "_mark_sent", "_notify"]: timed(R, n)
today = timezone.localdate()
busy = timezone.make_aware(datetime.combine(today, clock(8)))
s._crowd(today)
for i in range(3):
    T.clear(); print(s._timed(busy, s.LOCMEM)); print({k: round(v, 2) for k, v in T.items()})
