"""gunicorn settings of every way the panel is served (`make run`, the Dockerfile, compose).

gunicorn reads `./gunicorn.conf.py` from its working directory; the commands also name it
with `--config`. Command-line options (bind, workers) add to these.
"""

import os

# gunicorn's default (4094 bytes) answers a raw 414 before Django sees the request, e.g. for
# a long tracer query or a filtered list's URL; 8190 is the most gunicorn allows. Longer
# form input gets its message from the form (an address has at most 254 characters).
limit_request_line = 8190

# One sync worker per core the process may run on. The panel's work is CPU-bound (templates,
# then MariaDB on the same host): on 2 cores, 2 workers answered 190 requests/s, 4 workers
# 165 and 2 workers × 4 threads 181 (docs/PERFORMANCE.md, "Under load"). WEB_CONCURRENCY,
# gunicorn's own variable, or --workers overrides it.
usable_cores = (
    len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
)  # (no sched_getaffinity on macOS, where a developer may run `make run`)
workers = int(os.environ.get("WEB_CONCURRENCY") or usable_cores)
