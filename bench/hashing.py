"""What a password costs the mail server at every login, and how fast we can write them.

    python bench/hashing.py [--repeat 20] [--import-rows 2000]

1. Per-login cost: Courier and Dovecot verify with libc's crypt(3) (libxcrypt on Debian),
   so that is what is timed here, through ctypes, for each scheme and round count.
2. Hashing throughput of the panel (passlib) on one core and on all cores, and the bulk
   importer's throughput for clear and pre-hashed passwords when `bulk.importer` exists.
"""

import argparse
import ctypes
import ctypes.util
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from _setup import django_setup

SECRET = "bench-Password-1"


def libc_crypt():
    library = ctypes.CDLL(ctypes.util.find_library("crypt") or "libcrypt.so.1")
    library.crypt.restype = ctypes.c_char_p
    library.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    return library.crypt


def schemes() -> dict[str, str]:
    from passlib.hash import bcrypt, des_crypt, md5_crypt, sha256_crypt, sha512_crypt

    from mailadmin import passwords

    return {
        "SHA512-CRYPT, configured rounds (default 5,000)": passwords.hash_password(SECRET),
        "SHA512-CRYPT 50,000 rounds": sha512_crypt.using(rounds=50_000).hash(SECRET),
        "SHA512-CRYPT 656,000 rounds (passlib default)": sha512_crypt.using(rounds=656_000).hash(
            SECRET
        ),
        "SHA256-CRYPT 5,000 rounds": sha256_crypt.using(rounds=5000).hash(SECRET),
        "MD5-CRYPT (legacy)": md5_crypt.hash(SECRET),
        "DES (legacy, guide default)": des_crypt.hash(SECRET[:8]),
        "bcrypt cost 10": bcrypt.using(rounds=10, ident="2b").hash(SECRET),
    }


def time_login(crypt_fn, stored: str, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = crypt_fn(SECRET.encode(), stored.encode())
        samples.append(time.perf_counter() - started)
        assert result is not None and result.decode() == stored, stored
    return statistics.median(samples) * 1000


def _hash_chunk(count: int) -> int:
    django_setup()
    from mailadmin import passwords

    for _ in range(count):
        passwords.hash_password(SECRET)
    return count


def hashing_throughput(total: int, workers: int) -> float:
    started = time.perf_counter()
    if workers == 1:
        _hash_chunk(total)
    else:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_hash_chunk, [total // workers] * workers))
    return total / (time.perf_counter() - started)


def import_throughput(rows: int, prehashed: bool) -> float:
    """Mailboxes per second through the bulk importer; rolled back, nothing is kept."""
    import io

    from django.db import transaction

    from audit.services import Actor
    from bulk.csvformat import write_rows
    from bulk.importer import import_csv
    from mailadmin import passwords

    crypt = passwords.hash_password(SECRET)
    lines = [{"kind": "domain", "address": "import-bench.example"}]
    for n in range(rows):
        row = {"kind": "mailbox", "address": f"user{n}@import-bench.example"}
        if prehashed:
            row["crypt"] = crypt
        else:
            row["password"] = f"Bench-{n}-horse-battery"
        lines.append(row)
    stream = io.StringIO()
    write_rows(stream, lines)
    stream.seek(0)
    started = time.perf_counter()
    with transaction.atomic():
        report = import_csv(stream, actor=Actor("bench"), source="bench", mode="strict")
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    assert report.written, report.summary()
    return rows / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--hashes", type=int, default=400)
    parser.add_argument("--import-rows", type=int, default=2000)
    args = parser.parse_args()
    django_setup()
    from django.conf import settings

    crypt_fn = libc_crypt()
    print(f"Per-login verification cost on the mail server (libc crypt, median of {args.repeat}):")
    for label, stored in schemes().items():
        print(f"  {label:48} {time_login(crypt_fn, stored, args.repeat):8.2f} ms")
    cores = os.cpu_count() or 1
    one = hashing_throughput(args.hashes, 1)
    many = hashing_throughput(args.hashes, cores)
    rounds = settings.MAILADMIN_CRYPT_ROUNDS
    print(
        f"Panel hashing (passlib, SHA512-CRYPT {rounds} rounds): {one:,.0f}/s on 1 core, "
        f"{many:,.0f}/s on {cores} cores"
    )
    clear = import_throughput(args.import_rows, prehashed=False)
    hashed = import_throughput(args.import_rows * 5, prehashed=True)
    print(
        f"Import, clear passwords: {clear:,.0f} rows/s "
        f"({clear / many:.0%} of pure hashing on {cores} cores; target >= 80%)"
    )
    print(f"Import, pre-hashed: {hashed:,.0f} rows/s (target >= 5,000)")


if __name__ == "__main__":
    main()
