"""Cells guarded against formulas on export are read back as they were."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.importers.cells import restored_cell, safe_cell


@pytest.mark.parametrize("text, guarded", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+44 20", "'+44 20"), ("-3+A1", "'-3+A1"), ("@home", "'@home"), ("Ana", "Ana"),
    ("", ""), ("-1-1", "'-1-1"), ("-2e5", "'-2e5"), ("- 3", "'- 3"), ("\t-1", "'\t-1"), ("\r=1", "'\r=1"),
    ("-", "'-"), ("-0.5)", "'-0.5)"),
])
def test_formula_like_cells_are_guarded_and_restored(text, guarded):
    assert safe_cell(text) == guarded and restored_cell(guarded) == text


@pytest.mark.parametrize("text", ["-0.5", "-3", "-1", "-1,5", "-.5", "0.5", "12"])
def test_plain_numbers_are_left_alone(text):
    assert safe_cell(text) == text and restored_cell(text) == text


@pytest.mark.parametrize("text", ["+34612345678", "+86 138 0013 8000"])
def test_a_phone_number_with_a_plus_stays_text_with_every_digit(text):
    # A spreadsheet would read +34612345678 as a number: no +, and 3.46123E+10 once saved back.
    assert safe_cell(text) == "'" + text and restored_cell(safe_cell(text)) == text


@pytest.mark.parametrize("text", ["'quoted", "'", "it's", "''"])
def test_an_apostrophe_not_guarding_a_formula_is_kept(text):
    assert restored_cell(text) == text


@pytest.mark.parametrize("text", ["'=x", "''+1"])
def test_a_text_that_looks_guarded_is_guarded_once_more(text):
    assert safe_cell(text) == "'" + text and restored_cell(safe_cell(text)) == text


@given(st.text(alphabet=st.sampled_from("'=+-@ax")) | st.text())
def test_whatever_the_export_writes_reads_back(text):
    assert restored_cell(safe_cell(text)) == text
