"""Spreadsheet cells both ways: neutralised on export, restored on import (OWASP CSV injection).

A cell starting with =, +, -, @, a tab or a CR could run as a formula, so it gets a leading "'".
Except a plain negative or decimal number (-0.5, -3, -1,5): a spreadsheet reads it as that number
and runs nothing. A phone number written with + (+34612345678) keeps the guard on purpose: read as
a number it would lose its +, show as 3.46123E+10 and be saved back that way, digits lost; with the
"'" it stays text, all digits kept, and the import strips the "'" again.
"""
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)")


def _guarded(text: str) -> bool:
    """Whether the export puts a "'" before `text`: a formula, or a text that would read as a guarded one."""
    if text.startswith(FORMULA_STARTS):
        return not _NEGATIVE_NUMBER.fullmatch(text)
    return text.startswith("'") and _guarded(text[1:])


def safe_cell(value) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if _guarded(text) else text


def restored_cell(text: str) -> str:
    """What safe_cell was given: an exported list imports back unchanged."""
    return text[1:] if text.startswith("'") and _guarded(text[1:]) else text
