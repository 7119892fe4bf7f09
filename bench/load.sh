#!/usr/bin/env bash
# gunicorn under concurrent load on the dashboard and a list page; requests/s, latency
# percentiles and errors (non-2xx/3xx answers and socket errors; must be zero).
#
#   DATABASE_URL=mysql://root@127.0.0.1:3306/mailbench bench/load.sh [SECONDS] [CONNECTIONS]
#
# Needs wrk (Debian package `wrk`). Serves on a free loopback port with $WORKERS gunicorn
# workers (default one per core, as gunicorn.conf.py) of $THREADS threads each (default 1), logged in as the bench
# superuser; gunicorn is stopped by its PID when the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
connections=${2:-16}
workers=${WORKERS:-$(nproc)}
threads=${THREADS:-1}
py=${PYTHON:-.venv/bin/python}
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scratch=$(mktemp -d)
export ALLOWED_HOSTS=127.0.0.1

cookie=$("$py" - <<'PY'
import sys
sys.path.insert(0, "bench")
from _setup import django_setup
django_setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
user, _ = User.objects.get_or_create(username="bench-super",
                                     defaults={"is_staff": True, "is_superuser": True})
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
PY
)

trap 'kill "$(cat "$scratch/gunicorn.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$scratch"' EXIT
.venv/bin/gunicorn mailadmin.wsgi --bind "127.0.0.1:$port" --workers "$workers" \
  --threads "$threads" --log-level warning --error-logfile "$scratch/gunicorn.log" \
  --pid "$scratch/gunicorn.pid" --daemon
up=
for _ in $(seq 1 100); do
  curl -fso /dev/null "http://127.0.0.1:$port/login/" && { up=1; break; }
  sleep 0.1
done
[ -n "$up" ] || { echo "gunicorn did not answer on 127.0.0.1:$port" >&2; cat "$scratch/gunicorn.log" >&2; exit 1; }

status=$(curl -so /dev/null -w '%{http_code}' -H "Cookie: sessionid=$cookie" "http://127.0.0.1:$port/")
[ "$status" = 200 ] || { echo "the bench session is not logged in (GET / gave $status)" >&2; exit 1; }

script="$scratch/paths.lua"
cat > "$script" <<'LUA'
local paths = {"/", "/aliases/"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("requests/s %.1f\n", summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format("p%d %.1f ms\n", p, latency:percentile(p) / 1000))
  end
  local e = summary.errors
  io.write(string.format("errors %d (http status: %d, connect %d, read %d, write %d, timeout %d)\n",
    summary.errors.status + e.connect + e.read + e.write + e.timeout, e.status,
    e.connect, e.read, e.write, e.timeout))
end
LUA
echo "gunicorn: $workers workers × $threads threads; wrk: $connections connections for ${seconds}s on / and /aliases/"
wrk --threads 2 --connections "$connections" --duration "${seconds}s" --latency \
  -H "Cookie: sessionid=$cookie" -s "$script" "http://127.0.0.1:$port" | tail -n 6
