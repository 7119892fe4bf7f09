"""`mail export -o FILE`: the file holds every password hash, so it is mode 600 even when
it replaces an existing world-readable file, and it is replaced whole, never half written."""

import io
import stat

import pytest
from django.core.management import call_command

from bulk import cli

pytestmark = pytest.mark.django_db


def export(path) -> None:
    call_command("mail", "export", "-o", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_an_existing_world_readable_file_becomes_private(guide_data, tmp_path):
    target = tmp_path / "export.csv"
    target.write_text("old\n")
    target.chmod(0o644)

    export(target)

    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("kind,")
    assert "xandros@blobber.org" in target.read_text()


def test_a_reader_of_the_old_file_never_sees_a_half_written_one(guide_data, tmp_path):
    target = tmp_path / "export.csv"
    target.write_text("old complete export\n")
    with open(target) as reader:
        export(target)
        assert reader.read() == "old complete export\n"
    assert "xandros@blobber.org" in target.read_text()


def test_a_failed_export_leaves_the_old_file_and_no_temporary_file(
    guide_data, tmp_path, monkeypatch
):
    target = tmp_path / "export.csv"
    target.write_text("old complete export\n")

    def broken(stream, **kwargs):
        stream.write("kind,address\r\ndomain,half")
        raise RuntimeError("database went away")

    monkeypatch.setattr(cli, "export_csv", broken)
    with pytest.raises(RuntimeError):
        export(target)

    assert target.read_text() == "old complete export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]
