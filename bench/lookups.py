"""What a Postfix lookup costs at full size against a 100-row database, with EXPLAIN.

    DATABASE_URL=mysql://root@127.0.0.1:3306/mailbench python bench/lookups.py [--lookups 2000]

The queries are read from the map files `mail config postfix` generates (guide style and
the no-backscatter pair), their `%s`/`%u`/`%d` filled the way Postfix fills them, and run
over one connection, as Postfix's proxymap does. The same script seeds a 100-row copy in
`<database>_small` (created and dropped here) and runs the same lookups there; the target
is that full size costs at most 1.5× the small one, which holds when every map query is an
index lookup (`EXPLAIN` type const/eq_ref/ref, never ALL).
"""

import argparse
import os
import random
import re
import subprocess
import sys
import time

from _setup import ROOT, django_setup, percentile


def map_queries() -> dict[str, str]:
    from mailstack import config

    files = config.generate("postfix", config.target_for_database(db_password="unused"))
    queries = {}
    for name, text in files.items():
        if not name.endswith(".cf"):
            continue
        body = re.sub(r"\n[ \t]+", " ", text)  # Postfix continuation lines
        match = re.search(r"^query\s*=\s*(.+)$", body, re.MULTILINE)
        if match:
            queries[name] = match.group(1).strip()
    return queries


def expand(query: str, key: str) -> str:
    local, _, domain = key.rpartition("@")
    escaped = {"%s": key, "%u": local, "%d": domain}
    out = re.sub(
        r"%[sud%]",
        lambda m: (
            "%"
            if m.group(0) == "%%"
            else escaped[m.group(0)].replace("\\", "\\\\").replace("'", "\\'")
        ),
        query,
    )
    return out


def keys_for(cursor, count: int, rng: random.Random) -> dict[str, list[str]]:
    """Existing and missing keys per map, as Postfix would ask them."""
    cursor.execute("SELECT id FROM users ORDER BY RAND() LIMIT %s", [count])
    mailboxes = [r[0] for r in cursor.fetchall()]
    cursor.execute("SELECT domain FROM domains ORDER BY RAND() LIMIT %s", [count])
    domains = [r[0] for r in cursor.fetchall()]
    cursor.execute(
        "SELECT mail FROM aliases WHERE mail LIKE '@%%' ORDER BY RAND() LIMIT %s", [count]
    )
    at_sources = [r[0] for r in cursor.fetchall()] or ["@nowhere.example"]
    missing = [f"nobody{rng.randrange(10**6)}@{rng.choice(domains)}" for _ in range(count)]
    addresses = mailboxes + missing
    return {
        "mysql_domains.cf": domains + [f"missing{i}.example" for i in range(count // 4)],
        "guide schema: domains, no index": domains,
        "mysql_mailbox.cf": addresses,
        "mysql_uid.cf": mailboxes,
        "mysql_gid.cf": mailboxes,
        "mysql_alias.cf": addresses + at_sources,
        "mysql_alias_plain.cf": addresses + at_sources,
        "mysql_alias_domain.cf": [f"someone@{s[1:]}" for s in at_sources] + missing,
        # Relay domains: transport_maps asks the address, then its domain.
        "mysql_relay_domains.cf": domains + [f"missing{i}.example" for i in range(count // 4)],
        "mysql_transport.cf": addresses + domains,
        "mysql_relay_recipients.cf": addresses + [f"@{d}" for d in domains],
        # The submission service asks the MAIL FROM address (Postfix never sends '@domain').
        "mysql_sender_login.cf": addresses + [f"someone@{s[1:]}" for s in at_sources],
    }


def run(
    cursor, queries: dict[str, str], keys: dict[str, list[str]], lookups: int, rng: random.Random
) -> dict[str, tuple[float, float, list]]:
    results = {}
    for name, query in sorted(queries.items()):  # warm the buffer pool and query plans
        for key in keys[name]:
            cursor.execute(expand(query, key))
            cursor.fetchall()
    for name, query in sorted(queries.items()):
        pool = keys[name]
        samples = []
        for _ in range(lookups):
            sql = expand(query, rng.choice(pool))
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1e6)
        cursor.execute("EXPLAIN " + expand(query, pool[0]))
        plan = [(row[2], row[3], row[5]) for row in cursor.fetchall()]  # table, type, key
        results[name] = (percentile(samples, 0.5), percentile(samples, 0.95), plan)
    return results


def connect(database: str):
    import MySQLdb
    from django.conf import settings

    db = settings.DATABASES["default"]
    return MySQLdb.connect(
        host=db["HOST"] or "127.0.0.1",
        port=int(db["PORT"] or 3306),
        user=db["USER"],
        password=db["PASSWORD"] or "",
        database=database,
        autocommit=True,
    )


def small_copy(name: str) -> None:
    """A 100-row database beside the full one, made with the same migrations and seeder."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    admin = connect(db["NAME"])
    admin.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
    admin.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    admin.close()
    url = (
        f"mysql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 3306}/{name}"
    )
    env = {**os.environ, "DATABASE_URL": url}
    for command in (
        ["manage.py", "migrate", "-v0"],
        ["bench/seed.py", "--domains", "10", "--mailboxes", "30", "--aliases", "60"],
    ):
        subprocess.run(
            [sys.executable, *command], cwd=ROOT, env=env, check=True, capture_output=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    django_setup()
    from django.conf import settings

    full_name = settings.DATABASES["default"]["NAME"]
    small_name = f"{full_name}_small"
    queries = map_queries()
    # The guide's schema has no index on domains.domain: the same lookup as a table scan.
    queries["guide schema: domains, no index"] = queries["mysql_domains.cf"].replace(
        "FROM domains", "FROM domains IGNORE INDEX (domains_domain_7513a343_uniq)"
    )
    small_copy(small_name)
    try:
        figures = {}
        for label, database in (("full", full_name), ("small", small_name)):
            conn = connect(database)
            cursor = conn.cursor()
            cursor.execute(
                "SELECT (SELECT COUNT(*) FROM domains), (SELECT COUNT(*) FROM users),"
                " (SELECT COUNT(*) FROM aliases)"
            )
            sizes = cursor.fetchone()
            rng = random.Random(7)
            keys = keys_for(cursor, 200, rng)
            figures[label] = (sizes, run(cursor, queries, keys, args.lookups, rng))
            conn.close()
    finally:
        connect(full_name).cursor().execute(f"DROP DATABASE IF EXISTS `{small_name}`")
    (full_sizes, full), (small_sizes, small) = figures["full"], figures["small"]
    print(
        f"full: {full_sizes[0]:,} domains, {full_sizes[1]:,} mailboxes, {full_sizes[2]:,} "
        f"aliases; small: {sum(small_sizes)} rows; {args.lookups} lookups per map"
    )
    print(
        f"{'map':32} {'full p50':>9} {'p95 µs':>8} {'small p50':>10} {'p95 µs':>8} "
        f"{'ratio':>6}  plan (table, type, key)"
    )
    worst = 0.0
    for name in sorted(full):
        f50, f95, plan = full[name]
        s50, s95, _ = small[name]
        ratio = f50 / s50
        if not name.startswith("guide schema"):
            worst = max(worst, ratio)
        print(f"{name:32} {f50:9.0f} {f95:8.0f} {s50:10.0f} {s95:8.0f} {ratio:6.2f}  {plan}")
    print(f"worst p50 ratio full/small: {worst:.2f} (target ≤ 1.5)")


if __name__ == "__main__":
    main()
