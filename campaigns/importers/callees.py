"""Callee CSV files -> typed rows and per-row problems. Pure: bytes in, no ORM.

Files come from CRMs and Excel in any encoding and delimiter. `detect_format`
looks at the head of a file, `guess_mapping` at its header, and `read_callees`
streams every row through the number and text rules, calling back for each
accepted and each rejected row: no row is kept (beyond the first few as examples), and
the numbers seen are held in a `NumberTable`, so memory stays flat however long the file.
With `limit`, only the first rows are read (a preview's sample).
"""
from __future__ import annotations

import codecs
import csv
import io
import operator
import re
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from typing import BinaryIO

import charset_normalizer

from .. import rules
from . import phones
from .cells import restored_cell
from .number_table import NumberTable

HEAD_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
NUMBER_HEADERS = {
    "calleenumber", "callee", "phone", "phonenumber", "phoneno", "mobile", "mobilenumber", "mobilephone",
    "mobileno", "number", "msisdn", "tel", "telephone", "cell", "cellphone", "cellular", "contactnumber",
}
SAMPLE_ROWS = 20
# Single-byte code pages spreadsheets and CRMs write when not UTF-8; others can be picked by hand.
LEGACY_ENCODINGS = ["cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1256", "cp1257", "koi8_r"]
KEPT_EXAMPLES = 50
_HEADER_KEY = re.compile(r"[\s_\-.]+")
_NUMBERISH = re.compile(r"(?:[^0-9]*[0-9]){5}")
_LOOKS_LIKE_NUMBER = re.compile(r"\+?[0-9][0-9\s\-.()]{5,}[0-9]")
csv.field_size_limit(1024 * 1024)


class CsvRefused(Exception):
    """The whole file cannot be read as a callee list; `message` says what was expected."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FileFormat:
    encoding: str
    delimiter: str
    has_header: bool
    header: list[str]
    sample: list[list[str]]  # the first rows after the header

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES[self.delimiter]


@dataclass
class ColumnMapping:
    number: int
    texts: dict[str, int] = field(default_factory=dict)  # "text1" -> column index

    def picker(self, targets: tuple[str, ...]) -> Callable[[list[str]], tuple[str, ...]]:
        """A fast function: row -> the targets' values ("" where unmapped or missing)."""
        indexes = [self.texts.get(t, -1) for t in targets]  # -1: a "" appended to every row
        width = max(indexes, default=-1) + 1
        get = operator.itemgetter(*indexes) if len(indexes) > 1 else None
        unmapped = -1 in indexes

        def pick(row: list[str]) -> tuple[str, ...]:
            if get is not None and len(row) >= width and not unmapped:
                return get(row)  # most rows: no copy
            padded = row + [""] * max(1, width + 1 - len(row))
            if get is not None:
                return get(padded)
            return tuple(padded[i] for i in indexes)

        return pick


@dataclass(frozen=True)
class Rejected:
    line: int
    values: list[str]
    value: str
    reason: str


@dataclass(frozen=True)
class Duplicate:
    line: int
    number: str
    first_line: int
    values: list[str] = field(default_factory=list)  # the row as it was, every column


@dataclass
class ReadReport:
    rows: int = 0
    accepted: int = 0
    existing: int = 0
    duplicates: int = 0
    rejected: int = 0
    suppressed: int = 0
    first_rejected: list[Rejected] = field(default_factory=list)
    first_duplicates: list[Duplicate] = field(default_factory=list)
    preview: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    complete: bool = True  # False: `limit` stopped the reading and more rows follow


# Reading the head of a file


def detect_format(head: bytes, *, encoding: str | None = None, delimiter: str | None = None) -> FileFormat:
    """Encoding, delimiter and header of a file from its first bytes; raises CsvRefused."""
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise CsvRefused("The file is empty. Upload a CSV file with one phone number per row.")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvRefused("This is an Excel workbook, not a CSV file. In Excel, use File > Save As > "
                         "CSV UTF-8, then upload that file.")
    encoding = encoding or _detect_encoding(head)
    try:
        if not codecs.lookup(encoding)._is_text_encoding:
            raise LookupError(encoding)
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except (LookupError, UnicodeError) as error:  # UTF-16/32 without a BOM: UnicodeError
        raise CsvRefused(f"The file cannot be read as {encoding} text. Pick another encoding, or save it "
                         "as CSV UTF-8.") from error
    text = text.lstrip("\ufeff")
    if _looks_binary(text):
        raise CsvRefused("This does not look like a CSV file (it contains binary data). Upload a CSV file "
                         "with one phone number per row.")
    lines = text.splitlines()[: SAMPLE_ROWS + 1]
    if len(head) >= HEAD_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    delimiter = delimiter or _detect_delimiter(lines)
    rows = [row for row in csv.reader(lines, delimiter=delimiter) if any(cell.strip() for cell in row)]
    if not rows:
        raise CsvRefused("The file has no rows. Upload a CSV file with one phone number per row.")
    has_header = _has_header(rows)
    return FileFormat(encoding, delimiter, has_header, rows[0] if has_header else [],
                      rows[1:] if has_header else rows)


def _detect_encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in head:
        raise CsvRefused("This does not look like a CSV file (it contains binary data). Upload a CSV file "
                         "with one phone number per row.")
    matches = charset_normalizer.from_bytes(head[:32768], cp_isolation=LEGACY_ENCODINGS)
    if not matches:
        return "cp1252"
    # Short samples leave several code pages equally plausible: prefer Windows' Western one.
    least_chaos = min(match.chaos for match in matches)
    plausible = [name for match in matches if match.chaos == least_chaos
                 for name in (match.encoding, *match.could_be_from_charset)]
    return "cp1252" if "cp1252" in plausible else codecs.lookup(plausible[0]).name


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n")
    return controls > max(2, len(text[:4096]) // 100)


def _detect_delimiter(lines: list[str]) -> str:
    def score(delimiter):
        rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
        counts = [len(row) for row in rows]
        if not counts:
            return (0, False, False, 0)
        usual = max(set(counts), key=counts.count)
        # Ties (a comma inside a tab-separated name) go to the split that yields a number column,
        # then to one that leaves no other delimiter in it ("8613123456789\t" split at ",").
        number = _column_of_numbers(rows)
        clean = number is not None and not any(
            other in row[number] for row in rows if number < len(row) for other in DELIMITERS)
        return (counts.count(usual) if usual > 1 else 0, number is not None, clean, usual)

    best = max(DELIMITERS, key=score)
    return best if score(best)[0] else ","


def _has_header(rows: list[list[str]]) -> bool:
    """Column names, not data: no cell with a run of digits, and known names or numbers below."""
    first = rows[0]
    if any(_NUMBERISH.search(cell) for cell in first):
        return False  # a data row, however odd (8.61380E+12, 123456, 1-800-FLOWERS)
    if any(header_key(cell) in NUMBER_HEADERS or header_key(cell) in rules.TEXT_FIELDS for cell in first):
        return True
    return any(_LOOKS_LIKE_NUMBER.fullmatch(cell.strip()) for row in rows[1:] for cell in row)


def header_key(cell: str) -> str:
    return _HEADER_KEY.sub("", cell.strip().lower())


def guess_mapping(fmt: FileFormat, targets: tuple[str, ...] = rules.TEXT_FIELDS) -> ColumnMapping:
    """Which column holds the number and which feed the targets; raises CsvRefused."""
    keys = [header_key(cell) for cell in fmt.header]
    number = next((i for i, key in enumerate(keys) if key in NUMBER_HEADERS), None)
    if number is None:
        number = _column_of_numbers(fmt.sample)
    if number is None:
        raise CsvRefused("No column of phone numbers was found. Name the column calleeNumber (or phone, "
                         "mobile, number, msisdn), with numbers like +86 130 0000 0001.")
    if fmt.has_header:
        texts = {t: keys.index(t.lower()) for t in targets if t.lower() in keys}
    else:
        # No names: the columns after the number are text1, text2, ... as in our exports.
        width = max((len(row) for row in fmt.sample), default=0)
        texts = dict(zip(targets, range(number + 1, width)))
    return ColumnMapping(number, texts)


def _column_of_numbers(sample: list[list[str]]) -> int | None:
    width = max((len(row) for row in sample), default=0)
    for column in range(width):
        cells = [row[column].strip() for row in sample if column < len(row) and row[column].strip()]
        if cells and sum(bool(_LOOKS_LIKE_NUMBER.fullmatch(c)) for c in cells) * 2 > len(cells):
            return column
    return None


# Reading every row


def read_callees(
    stream: BinaryIO,
    fmt: FileFormat,
    mapping: ColumnMapping,
    *,
    targets: tuple[str, ...] = rules.TEXT_FIELDS,
    default_region: str | None = None,
    max_text: int | None = rules.TEXT_MAX,
    known: Container[str] = frozenset(),
    suppressed: Container[str] = frozenset(),
    limit: int | None = None,
    on_row: Callable[[int, str, tuple[str, ...]], None] | None = None,
    on_reject: Callable[[Rejected], None] | None = None,
    on_duplicate: Callable[[Duplicate], None] | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 5000,
    preview_rows: int = 10,
) -> ReadReport:
    """Stream the rows of a callee file through the rules; see the module docstring.

    `known` are numbers already in the list (counted as existing); `suppressed`
    are do-not-call numbers (counted). Accepted rows reach `on_row` once per number.
    With `limit`, reading stops after that many rows; `complete` says whether more followed.
    """
    report = ReadReport()
    text = io.TextIOWrapper(stream, encoding=fmt.encoding, newline="")
    reader = csv.reader(text, delimiter=fmt.delimiter)
    seen = NumberTable(capacity=1 << 14)
    labels = {t: _column_label(fmt, i) for t, i in mapping.texts.items()}
    pick = mapping.picker(targets)
    known, suppressed = known or None, suppressed or None  # the usual empty ones cost no look-up a row
    line, header_pending = 1, fmt.has_header
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not (row and row[0].strip()) and not "".join(row).strip():
                continue
            if header_pending:
                header_pending = False
                continue
            if report.rows == limit:
                report.complete = False
                break
            report.rows += 1
            if progress is not None and report.rows % progress_every == 0:
                progress(report.rows)
            raw = row[mapping.number] if mapping.number < len(row) else ""
            number, reason = phones.normalize(raw, default_region)
            values = pick(row)
            if "'" in "".join(values):  # undo safe_cell: our own exports import back unchanged
                values = tuple(map(restored_cell, values))
            if not reason and max_text is not None and values and max(map(len, values)) > max_text:
                reason = _text_problem(values, targets, labels, max_text)
            if reason:
                report.rejected += 1
                _keep(report.first_rejected, Rejected(start, row, raw, reason))
                if on_reject is not None:
                    on_reject(Rejected(start, row, raw, reason))
                continue
            first_line = seen.add(number, start)
            if first_line:
                report.duplicates += 1
                duplicate = Duplicate(start, number, first_line, row)
                _keep(report.first_duplicates, duplicate)
                if on_duplicate is not None:
                    on_duplicate(duplicate)
                continue
            report.accepted += 1
            if known is not None and number in known:
                report.existing += 1
            if suppressed is not None and number in suppressed:
                report.suppressed += 1
            if len(report.preview) < preview_rows:
                report.preview.append((start, number, values))
            if on_row is not None:
                on_row(start, number, values)
    except csv.Error as error:
        raise CsvRefused(f"Line {line} cannot be read as CSV ({error}). Check the file, or save it again "
                         "from your spreadsheet as CSV.") from error
    except UnicodeError as error:
        raise CsvRefused(f"Past line {line}, the file is not valid {fmt.encoding} text (the start of the "
                         "file looked like it). Pick the file's encoding in the preview, or save it again "
                         "as CSV UTF-8.") from error
    finally:
        text.detach()
    if report.rows == 0:
        raise CsvRefused("The file has a header but no rows. Add at least one phone number.")
    return report


def _keep(examples: list, item) -> None:
    if len(examples) < KEPT_EXAMPLES:
        examples.append(item)


def _column_label(fmt: FileFormat, index: int) -> str:
    if fmt.has_header and index < len(fmt.header) and fmt.header[index].strip():
        return f"column {fmt.header[index].strip()!r}"
    return f"column {index + 1}"


def _text_problem(values, targets, labels, limit) -> str:
    if not values or max(map(len, values)) <= limit:
        return ""
    for target, value in zip(targets, values):
        if len(value) > limit:
            label = rules.FIELDS[target].label if target in rules.FIELDS else target
            return (f"{label} ({labels.get(target, target)}) is {len(value)} "
                    f"characters long; the limit is {limit}, and Laaffic would cut the rest off.")
    return ""
