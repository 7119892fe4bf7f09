"""Scratch MariaDB databases beside the test database, for the guide's own DDL."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import MySQLdb
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
GUIDE_SQL = (Path(__file__).parent / "guide.sql").read_text()


def _server() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 3306),
        "user": db["USER"],
        "password": db["PASSWORD"] or "",
    }


def connect(database: str | None = None):
    kwargs = _server()
    if database:
        kwargs["database"] = database
    return MySQLdb.connect(charset="utf8mb4", autocommit=True, **kwargs)


class ScratchDatabase:
    def __init__(self, name: str):
        self.name = name

    def execute_script(self, sql: str) -> None:
        conn = connect(self.name)
        try:
            cursor = conn.cursor()
            for statement in filter(str.strip, sql.split(";\n")):
                cursor.execute(statement)
        finally:
            conn.close()

    def rows(self, query: str) -> list[tuple]:
        conn = connect(self.name)
        try:
            cursor = conn.cursor()
            cursor.execute(query)
            return list(cursor.fetchall())
        finally:
            conn.close()

    @property
    def url(self) -> str:
        s = _server()
        return f"mysql://{s['user']}:{s['password']}@{s['host']}:{s['port']}/{self.name}"

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "DATABASE_URL": self.url}
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture
def scratch_database():
    """A new empty database on the test server, dropped afterwards."""
    name = f"mailadmin_scratch_{uuid.uuid4().hex[:10]}"
    conn = connect()
    conn.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield ScratchDatabase(name)
    finally:
        conn.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()


@pytest.fixture
def guide_database(scratch_database):
    """A database set up exactly as the guide tells the postmaster, with its example rows."""
    scratch_database.execute_script(GUIDE_SQL)
    return scratch_database


scratch_database_2 = scratch_database
