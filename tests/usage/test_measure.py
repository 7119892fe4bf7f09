import os

from tests.usage.maildirs import maildir, message, write_maildirsize
from usage.measure import (
    MAILDIRSIZE_SOURCE,
    MISSING_SOURCE,
    WALK_SOURCE,
    Measurement,
    measure,
    read_maildirsize,
)


def test_a_missing_maildir_is_empty_and_says_so(tmp_path):
    assert measure(str(tmp_path / "nobody/")) == Measurement(0, 0, MISSING_SOURCE)


def test_it_counts_files_in_new_and_cur(tmp_path):
    box = maildir(tmp_path)
    message(box, "new", "1.a.host", 100)
    message(box, "cur", "2.a.host:2,S", 250)
    message(box, "tmp", "3.a.host", 999)  # being delivered: not mail yet
    assert measure(str(box)) == Measurement(350, 2, WALK_SOURCE)


def test_it_counts_every_maildirplusplus_folder(tmp_path):
    box = maildir(tmp_path)
    message(box, "cur", "1.a.host:2,S", 10)
    message(box / ".Sent", "cur", "2.a.host:2,S", 20)
    message(box / ".Archive.2024", "new", "3.a.host", 30)
    (box / "courierimapkeywords").mkdir()  # not a folder: no leading dot
    message(box / "courierimapkeywords", "cur", "4", 1000)
    assert measure(str(box)) == Measurement(60, 3, WALK_SOURCE)


def test_a_size_in_the_file_name_is_taken_without_reading_the_file(tmp_path):
    box = maildir(tmp_path)
    path = message(box, "cur", "1.a.host", 10, s_in_name=True)
    path.write_bytes(b"")  # the name says 10
    assert measure(str(box)).bytes == 10


def test_a_current_maildirsize_is_read_and_its_deltas_added(tmp_path):
    box = maildir(tmp_path)
    message(box, "cur", "1.a.host", 10)
    write_maildirsize(box, ["5000 3", "-1000 -1", "300 1"])
    assert measure(str(box)) == Measurement(4300, 3, MAILDIRSIZE_SOURCE)


def test_a_stale_maildirsize_is_ignored_and_the_maildir_walked(tmp_path):
    box = maildir(tmp_path)
    message(box, "cur", "1.a.host", 10)
    write_maildirsize(box, ["5000 3"], later_by_ns=-(10**9))  # a delivery came after it
    assert measure(str(box)) == Measurement(10, 1, WALK_SOURCE)


def test_a_delivery_into_a_folder_makes_maildirsize_stale(tmp_path):
    box = maildir(tmp_path)
    message(box / ".Sent", "cur", "1.a.host", 10)
    write_maildirsize(box, ["10 1"])
    path = message(box / ".Sent", "new", "2.a.host", 20)
    later = os.stat(box / "maildirsize").st_mtime_ns + 10**9
    os.utime(path.parent, ns=(later, later))
    assert measure(str(box)) == Measurement(30, 2, WALK_SOURCE)


def test_an_unreadable_or_negative_maildirsize_falls_back_to_the_walk(tmp_path):
    box = maildir(tmp_path)
    message(box, "new", "1.a.host", 7)
    write_maildirsize(box, ["garbage here"])
    assert measure(str(box)) == Measurement(7, 1, WALK_SOURCE)
    write_maildirsize(box, ["-50 -1"])
    assert measure(str(box)) == Measurement(7, 1, WALK_SOURCE)


def test_read_maildirsize_skips_the_quota_line(tmp_path):
    (tmp_path / "maildirsize").write_text("99S\n12 1\n\n8 1\n")
    assert read_maildirsize(str(tmp_path / "maildirsize")) == (20, 2)
    assert read_maildirsize(str(tmp_path / "absent")) is None
