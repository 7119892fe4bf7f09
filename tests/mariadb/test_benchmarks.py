"""A small-size run of every benchmark, so the scripts never rot (figures: docs/PERFORMANCE.md)."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.mariadb.conftest import ROOT

pytestmark = [pytest.mark.mariadb]


def bench(database, script: str, *args: str, timeout: int = 300) -> str:
    env = {**os.environ, "DATABASE_URL": database.url, "ALLOWED_HOSTS": "127.0.0.1"}
    command = [sys.executable, script] if script.endswith(".py") else ["bash", script]
    result = subprocess.run(
        [*command, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def bench_database(scratch_database):
    assert scratch_database.manage("migrate", "-v0").returncode == 0
    return scratch_database


def test_seed_pages_lookups_hashing_and_load_run_at_a_small_size(bench_database):
    seeded = bench(
        bench_database, "bench/seed.py", "--domains", "20", "--mailboxes", "100", "--aliases", "300"
    )
    assert "seeded 20 domains, 100 mailboxes, 300 aliases" in seeded

    pages = bench(bench_database, "bench/pages.py", "--requests", "2")
    assert "alias list" in pages and "findings" in pages
    statuses = [line.split()[-1] for line in pages.splitlines()[2:]]
    assert statuses and set(statuses) == {"200"}, pages

    lookups = bench(bench_database, "bench/lookups.py", "--lookups", "20")
    assert "mysql_alias.cf" in lookups and "worst p50 ratio" in lookups
    assert "'ALL'" not in lookups.split("guide schema")[1].split("\n", 1)[1]

    hashing = bench(
        bench_database, "bench/hashing.py", "--repeat", "2", "--hashes", "20", "--import-rows", "20"
    )
    assert "SHA512-CRYPT" in hashing and "Import, pre-hashed" in hashing

    assert shutil.which("wrk"), "bench/load.sh needs wrk (scripts/install-system-deps.sh test)"
    load = bench(bench_database, "bench/load.sh", "2", "2", timeout=120)
    assert "errors 0 " in load


def test_the_usage_collector_benchmark_runs_at_a_small_size(bench_database):
    out = bench(bench_database, "bench/usage.py", "--count", "300", "--jobs", "2")
    assert "second run (upserts): 300 mailboxes" in out and "rows/s" in out


def test_the_api_benchmark_runs_at_a_small_size(bench_database):
    bench(
        bench_database, "bench/seed.py", "--domains", "20", "--mailboxes", "100", "--aliases", "300"
    )
    out = bench(bench_database, "bench/api.py", "--requests", "2")
    assert "alias list, a middle page" in out and "alias PUT, unchanged" in out
    statuses = [line.split()[-1] for line in out.splitlines()[2:]]
    assert statuses and set(statuses) <= {"200", "201"}, out
