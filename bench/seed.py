"""Fill the configured database with a realistic mail system of a given size, fast.

    DATABASE_URL=mysql://root@127.0.0.1:3306/mailbench python bench/seed.py            # full
    DATABASE_URL=... python bench/seed.py --domains 100 --mailboxes 1000 --aliases 5000

Defaults: 20,000 domains, 200,000 mailboxes, 1,000,000 aliases (every mailbox's self-alias,
catch-alls on 10% of domains, domain aliases on 2%, the rest forwards, local and
external); 5% of domains, mailboxes and forwards disabled. Rows go straight in with
multi-row INSERTs (one shared SHA512-CRYPT hash: hashing is measured in hashing.py).
Every mailbox also gets a usage row (0 to 110% of its quota, as `mail usage collect` stores
it). Existing rows in domains/aliases/users and the usage table are deleted first.
"""

import argparse
import random
import time

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


def seed(domains: int, mailboxes: int, aliases: int, seed_value: int = 1) -> dict:
    from django.conf import settings
    from django.db import connection, transaction
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

    started = time.perf_counter()
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("mailadmin_mailbox_usage", "aliases", "users", "domains"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        for table, columns, rows in (
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
        ):
            placeholders = ", ".join(["%s"] * len(columns.split(",")))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            total = 0
            for chunk in batched(rows):
                cursor.executemany(sql, chunk)
                total += len(chunk)
            counts[table] = total
    if connection.vendor == "mysql":
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
