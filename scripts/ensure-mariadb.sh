#!/usr/bin/env bash
# Make sure MariaDB answers on 127.0.0.1:3306 (no systemd here: start the daemon directly).
set -euo pipefail
ping() { mariadb-admin --host=127.0.0.1 --port=3306 --user=root ping >/dev/null 2>&1; }
ping && exit 0
if [ ! -x /usr/sbin/mariadbd ]; then
  echo "MariaDB is not running on 127.0.0.1:3306 and /usr/sbin/mariadbd is not installed." >&2
  exit 1
fi
echo "Starting MariaDB"
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
for _ in $(seq 1 60); do ping && exit 0; sleep 0.5; done
echo "MariaDB did not come up on 127.0.0.1:3306" >&2
exit 1
