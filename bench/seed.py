"""Fill the configured database with a realistic mail system of a given size, fast.

    DATABASE_URL=mysql://root@127.0.0.1:3306/mailbench python bench/seed.py            # full
    DATABASE_URL=... python bench/seed.py --domains 100 --mailboxes 1000 --aliases 5000

Defaults: 20,000 domains, 200,000 mailboxes, 1,000,000 aliases (every mailbox's self-alias,
catch-alls on 10% of domains, domain aliases on 2%, the rest forwards, local and
external); 5% of domains, mailboxes and forwards disabled. Rows go straight in with
LOAD DATA LOCAL INFILE on MariaDB, multi-row INSERTs elsewhere (one shared
SHA512-CRYPT hash: hashing is measured in hashing.py).
Every mailbox also gets a usage row (0 to 110% of its quota, as `mail usage collect` stores
it). Existing rows in domains/aliases/users, the usage table and the panel's limits and relay
settings are deleted first.
"""

import argparse
import os
import random
import tempfile
import time
from datetime import UTC, datetime

from _setup import django_setup

BATCH = 5000


def batched(rows, size=BATCH):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# Panel-owned rows that point at domains: emptied with them.
DEPENDENT = ("mailadmin_domain_limits", "mailadmin_relay_settings")


def insert_rows(connection, tables) -> dict:
    """Multi-row INSERTs in one transaction (SQLite, or any engine)."""
    from django.db import transaction

    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (*DEPENDENT, "mailadmin_mailbox_usage", "aliases", "users", "domains"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        for table, columns, rows in tables:
            placeholders = ", ".join(["%s"] * len(columns.split(",")))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            total = 0
            for chunk in batched(rows):
                cursor.executemany(sql, chunk)
                total += len(chunk)
            counts[table] = total
    return counts


def _tsv(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime):  # stored as naive UTC, as Django writes it
        value = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    text = str(value)
    if any(c in text for c in "\\\t\n"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def secondary_indexes(cursor, table: str) -> dict[str, tuple[str, str]]:
    """The table's indexes other than its primary key: name → (kind, column list)."""
    cursor.execute(
        "SELECT index_name, non_unique, column_name, sub_part FROM information_schema.statistics"
        " WHERE table_schema = DATABASE() AND table_name = %s AND index_name <> 'PRIMARY'"
        " ORDER BY index_name, seq_in_index",
        [table],
    )
    indexes: dict[str, tuple[str, list[str]]] = {}
    for name, non_unique, column, sub_part in cursor.fetchall():
        kind, columns = indexes.setdefault(name, ("INDEX" if non_unique else "UNIQUE", []))
        columns.append(f"`{column}`" + (f"({sub_part})" if sub_part else ""))
    return {name: (kind, ", ".join(cols)) for name, (kind, cols) in indexes.items()}


def load_mysql(tables) -> dict:
    """MariaDB/MySQL: each table emptied with TRUNCATE and filled by LOAD DATA LOCAL INFILE
    from a tab-separated file, without unique and foreign-key checks (the rows are made
    unique and consistent here): ten million aliases in minutes rather than a quarter hour."""
    import MySQLdb
    from django.db import connection

    params = connection.get_connection_params()
    params["local_infile"] = 1
    loader = MySQLdb.connect(**params)
    counts = {}
    try:
        cursor = loader.cursor()
        cursor.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0")
        for table in (*DEPENDENT, "mailadmin_mailbox_usage", "aliases", "users", "domains"):
            cursor.execute(f"TRUNCATE TABLE {table}")
        with tempfile.TemporaryDirectory(prefix="mailbench-") as scratch:
            for table, columns, rows in tables:
                path = os.path.join(scratch, f"{table}.tsv")
                total = 0
                with open(path, "w", encoding="utf-8", newline="\n") as out:
                    for row in rows:
                        out.write("\t".join(_tsv(v) for v in row) + "\n")
                        total += 1
                # Indexes built once, by sorting, after the load: a third faster than
                # maintaining them row by row.
                indexes = secondary_indexes(cursor, table)
                for name in indexes:
                    cursor.execute(f"ALTER TABLE {table} DROP INDEX `{name}`")
                try:
                    cursor.execute(
                        f"LOAD DATA LOCAL INFILE %s INTO TABLE {table} CHARACTER SET utf8mb4 "
                        "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "
                        f"({columns})",
                        [path],
                    )
                finally:
                    if indexes:
                        added = ", ".join(
                            f"ADD {kind} `{name}` ({cols})"
                            for name, (kind, cols) in indexes.items()
                        )
                        cursor.execute(f"ALTER TABLE {table} {added}")
                counts[table] = total
        cursor.execute("SET SESSION foreign_key_checks = 1, unique_checks = 1")
        loader.commit()
    finally:
        loader.close()
    return counts


def seed(domains: int, mailboxes: int, aliases: int, seed_value: int = 1) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from mailadmin import passwords

    rng = random.Random(seed_value)
    crypt = passwords.hash_password("bench-Password-1")
    per_domain = max(1, mailboxes // domains)
    names = [f"d{i:06d}.example" for i in range(domains)]
    disabled_domains = set(rng.sample(range(domains), domains // 20))
    catch_alls = set(rng.sample(range(domains), domains // 10))
    domain_aliases = set(rng.sample(sorted(set(range(domains)) - catch_alls), domains // 50))

    def domain_rows():
        for i, name in enumerate(names):
            yield (name, "virtual:", 0 if i in disabled_domains else 1)

    def mailbox_address(n: int) -> str:
        return f"user{n % per_domain:04d}@{names[(n // per_domain) % domains]}"

    def mailbox_rows():
        for n in range(mailboxes):
            address = mailbox_address(n)
            local, _, domain = address.partition("@")
            enabled = 0 if rng.random() < 0.05 else 1
            yield (
                address,
                f"User {n}",
                5000,
                5000,
                settings.MAILADMIN_MAIL_HOME,
                f"{domain}/{local}/",
                enabled,
                1,
                "",
                crypt,
                "524288000S" if n % 3 else "",
                "",
                "",
            )

    measured_at = timezone.now()

    def usage_rows():
        """How full each mailbox is, as `mail usage collect` stores it (0 to 110 % full)."""
        for n in range(mailboxes):
            size = rng.randrange(0, 576716800)
            fill = size * 1000 // 524288000 if n % 3 else None
            yield (mailbox_address(n), size, size // 50000, "walk", fill, measured_at)

    def alias_rows():
        count = 0
        for n in range(mailboxes):
            address = mailbox_address(n)
            yield (address, address, 1)
            count += 1
        for i in sorted(catch_alls):
            yield (f"@{names[i]}", mailbox_address(i * per_domain), 1)
            count += 1
        for i in sorted(domain_aliases):
            yield (f"@{names[i]}", f"@{names[(i + 1) % domains]}", 1)
            count += 1
        n = 0
        while count < aliases:
            domain = names[n % domains]
            if rng.random() < 0.5:
                destination = mailbox_address(rng.randrange(mailboxes))
            else:
                destination = f"someone{n}@external{n % 97}.net"
            yield (f"fwd{n // domains:05d}@{domain}", destination, 0 if rng.random() < 0.05 else 1)
            n += 1
            count += 1

    tables = (
        ("domains", "domain, transport, enabled", domain_rows()),
        (
            "users",
            "id, name, uid, gid, home, maildir, enabled, change_password, clear, crypt,"
            " quota, procmailrc, spamassassinrc",
            mailbox_rows(),
        ),
        ("aliases", "mail, destination, enabled", alias_rows()),
        (
            "mailadmin_mailbox_usage",
            "mailbox_id, bytes, messages, source, fill, measured_at",
            usage_rows(),
        ),
    )
    started = time.perf_counter()
    if connection.vendor != "mysql":
        counts = insert_rows(connection, tables)
    else:
        counts = load_mysql(tables)
        with connection.cursor() as cursor:
            for table in ("domains", "users", "aliases", "mailadmin_mailbox_usage"):
                cursor.execute(f"ANALYZE TABLE {table}")
                cursor.fetchall()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=20_000)
    parser.add_argument("--mailboxes", type=int, default=200_000)
    parser.add_argument("--aliases", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.aliases < args.mailboxes:
        parser.error("--aliases must be at least --mailboxes (every mailbox has its self-alias)")
    django_setup()
    counts = seed(args.domains, args.mailboxes, args.aliases)
    print(
        f"seeded {counts['domains']} domains, {counts['users']} mailboxes, "
        f"{counts['aliases']} aliases in {counts['seconds']} s"
    )


if __name__ == "__main__":
    main()
