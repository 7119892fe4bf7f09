"""`mail usage collect` over many small generated maildirs: rows/s and peak memory.

    DATABASE_URL=mysql://root@127.0.0.1:3306/mailbench python bench/usage.py            # 200,000
    DATABASE_URL=... python bench/usage.py --count 20000 --jobs 8

Each maildir gets cur/, new/ and tmp/ with two small messages (one in new/, one in cur/);
every third also a Maildir++ folder `.Sent` with one more, every second a current
`maildirsize` (read instead of walked). The mailboxes go into `users` (existing rows of
users and of the usage table are deleted first) with their home in a temporary directory,
which is removed at the end. The collector runs twice: cold (after dropping nothing: the
maildirs were just written, so the page cache is warm either way) and again (upserts over
existing rows). Peak memory is the process's maximum resident size, before and after.
"""

import argparse
import os
import resource
import shutil
import tempfile
import time

from _setup import django_setup

BATCH = 5000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(root: str, count: int) -> None:
    body = b"From: a@example.org\nSubject: x\n\n" + b"x" * 200 + b"\n"
    for n in range(count):
        box = os.path.join(root, f"d{n % 1000:03d}.example", f"u{n:06d}")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(box, sub))
        with open(os.path.join(box, "new", f"{n}.M1P1.bench"), "wb") as f:
            f.write(body)
        with open(os.path.join(box, "cur", f"{n}.M2P1.bench,S={len(body)}:2,S"), "wb") as f:
            f.write(body)
        if n % 3 == 0:
            os.makedirs(os.path.join(box, ".Sent", "cur"))
            with open(os.path.join(box, ".Sent", "cur", f"{n}.M3P1.bench:2,S"), "wb") as f:
                f.write(body)
        if n % 2 == 0:
            size = os.path.join(box, "maildirsize")
            with open(size, "w") as f:
                f.write(f"1048576S\n{len(body) * (3 if n % 3 == 0 else 2)} 2\n")
            later = time.time_ns() + 10**9
            os.utime(size, ns=(later, later))


def insert_mailboxes(root: str, count: int) -> None:
    from django.db import transaction

    from domains.models import Domain, Mailbox
    from usage.models import MailboxUsage

    with transaction.atomic():
        MailboxUsage.objects.all().delete()
        Mailbox.objects.all().delete()
        Domain.objects.all().delete()
        Domain.objects.bulk_create(Domain(domain=f"d{n:03d}.example") for n in range(1000))
    for start in range(0, count, BATCH):  # in chunks: the setup must not set the peak
        Mailbox.objects.bulk_create(
            Mailbox(
                address=f"u{n:06d}@d{n % 1000:03d}.example",
                home=root,
                maildir=f"d{n % 1000:03d}.example/u{n:06d}/",
                quota="1048576S",
                crypt="x",
            )
            for n in range(start, min(count, start + BATCH))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from usage import collector
    from usage.models import MailboxUsage

    root = tempfile.mkdtemp(prefix="mailusage-bench-")
    try:
        started = time.monotonic()
        generate(root, args.count)
        print(f"generated {args.count} maildirs in {time.monotonic() - started:.1f} s")
        insert_mailboxes(root, args.count)
        print(f"database: {connection.vendor}; jobs {args.jobs}; batch {collector.BATCH}")
        print(f"peak memory before collecting: {peak_mb():.0f} MB")
        for run in ("first run (inserts)", "second run (upserts)"):
            summary = collector.collect(jobs=args.jobs)
            rate = summary.mailboxes / summary.seconds
            print(
                f"{run}: {summary.mailboxes} mailboxes in {summary.seconds:.1f} s = "
                f"{rate:,.0f} rows/s ({summary.sources['maildirsize']} from maildirsize, "
                f"{summary.sources['walk']} walked); peak memory {peak_mb():.0f} MB"
            )
        assert MailboxUsage.objects.count() == args.count
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
