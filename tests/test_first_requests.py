"""A fresh server process's first requests, arriving together on several threads, all get their
answer: Dash's first-request setup is done when app.py is imported, not by whichever threads come
first (they raced there and one answered 500)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# Run in a fresh interpreter (this one's app has long served its first request). Dash's walk over
# its callbacks is slowed down, and a second thread sends its first request while the first is in
# that walk: the window in which the race answered 500, held open long enough to be hit each time.
RACE = textwrap.dedent(
    """
    import threading, time
    import app as A

    walking = threading.Event()

    class SlowWalk(dict):
        def values(self):
            for value in dict.values(self):
                walking.set()
                time.sleep(0.3)
                yield value

    A.app.callback_map = SlowWalk(A.app.callback_map)
    statuses = []

    def first(wait_for_walk):
        if wait_for_walk:
            walking.wait(timeout=2)
        statuses.append(A.server.test_client().get("/login").status_code)

    threads = [threading.Thread(target=first, args=(w,)) for w in (False, True)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print("statuses", sorted(statuses))
    router = [k for k in A.app.callback_map if "_pages_content.children" in k]
    print("router", len(router))
    """
)


def test_first_requests_arriving_together_all_succeed(loaded):
    done = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "statuses [200, 200]" in done.stdout, done.stdout + done.stderr[-3000:]
    assert "router 1" in done.stdout, done.stdout  # the page router is registered, once
