import csv
import io

import pytest

from mailadmin.csvsafe import csv_lines, restore_cell, safe_cell


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "@example.org"],
)
def test_a_cell_a_spreadsheet_would_evaluate_gets_a_leading_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["john@example.org", "1", "", "a=b", "x-y"])
def test_a_harmless_cell_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", ["=1+1", "'=1+1", "'quoted", "plain", "@domain.org", ""])
def test_restore_cell_undoes_safe_cell_exactly(value):
    assert restore_cell(safe_cell(value)) == value


def test_none_and_booleans_become_plain_text():
    assert (safe_cell(None), safe_cell(True), safe_cell(False)) == ("", "1", "0")


def test_csv_lines_neutralise_every_cell_and_quote_separators():
    text = "".join(csv_lines(["a", "b"], [["=cmd|' /C calc'!A0", "x,y"]]))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["a", "b"], ["'=cmd|' /C calc'!A0", "x,y"]]
