"""Spreadsheet cells both ways: neutralised on export, restored on import (OWASP CSV injection)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _guarded(text: str) -> bool:
    """Whether the export puts a "'" before `text`: a formula, or a text that would read as a guarded one."""
    return text.startswith(FORMULA_STARTS) or (text.startswith("'") and _guarded(text[1:]))


def safe_cell(value) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if _guarded(text) else text


def restored_cell(text: str) -> str:
    """What safe_cell was given: an exported list imports back unchanged."""
    return text[1:] if text.startswith("'") and _guarded(text[1:]) else text
