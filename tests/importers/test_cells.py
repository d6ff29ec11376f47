"""Cells guarded against formulas on export are read back as they were."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.importers.cells import restored_cell, safe_cell


@pytest.mark.parametrize("text, guarded", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+44 20", "'+44 20"), ("-3", "'-3"), ("@home", "'@home"), ("Ana", "Ana"), ("", ""),
])
def test_formula_like_cells_are_guarded_and_restored(text, guarded):
    assert safe_cell(text) == guarded and restored_cell(guarded) == text


@pytest.mark.parametrize("text", ["'quoted", "'", "it's", "''"])
def test_an_apostrophe_not_guarding_a_formula_is_kept(text):
    assert restored_cell(text) == text


@pytest.mark.parametrize("text", ["'=x", "''+1"])
def test_a_text_that_looks_guarded_is_guarded_once_more(text):
    assert safe_cell(text) == "'" + text and restored_cell(safe_cell(text)) == text


@given(st.text(alphabet=st.sampled_from("'=+-@ax")) | st.text())
def test_whatever_the_export_writes_reads_back(text):
    assert restored_cell(safe_cell(text)) == text
