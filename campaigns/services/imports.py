"""Importing CSV files into a callee list or the do-not-call list.

Two passes over the file: the first validates every row (progress is visible,
nothing is stored; accepted rows go to a spool, rejected ones to the rows-not-imported file),
the second stores them in one transaction. Either every accepted row is stored or the list is
unchanged. No pass keeps the rows in memory: an import of the largest upload runs in flat memory.
The spool: on PostgreSQL a temporary file in COPY's text format, copied straight into an empty
list's table, or into a temporary table merged into a list that has callees; on SQLite a
temporary table, merged in number order (inserting into the list's unique index in order costs
about a third of inserting in the file's order).
A preview reads only the first `CALLEE_IMPORT_PREVIEW_ROWS` rows, inside the web request.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
import tempfile
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from .. import rules
from ..importers.callees import (
    HEAD_BYTES, KEPT_EXAMPLES, ColumnMapping, CsvRefused, Duplicate, FileFormat, ReadReport, Rejected, detect_format,
    guess_mapping, header_key, read_callees,
)
from ..importers.number_table import NumberTable
from ..models import Callee, CalleeList, ImportJob, SuppressedNumber
from .database import refresh_statistics
from .spreadsheets import safe_cell

log = logging.getLogger(__name__)
SUPPRESSION_TARGETS = ("reason",)
BATCH = 5000
TEXT_NAME_MAX = 40  # a column's name kept for "text1 (Name)"; a header cell can be as long as any field
# `import_callees --json` lists this many rejected rows, then counts the rest ("errors_not_listed");
# every rejected row is in the rows-not-imported file of a browser import.
JSON_ERRORS = KEPT_EXAMPLES


@dataclass
class Target:
    """Where accepted rows go: a callee list, or the do-not-call list."""

    callee_list: CalleeList | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        return rules.TEXT_FIELDS if self.callee_list else SUPPRESSION_TARGETS

    @property
    def max_text(self) -> int:
        return rules.TEXT_MAX if self.callee_list else SuppressedNumber._meta.get_field("reason").max_length

    def known_numbers(self) -> NumberTable:
        if self.callee_list:
            if self.callee_list.pk is None:  # a dry run into a list not created yet
                return NumberTable()
            return _number_table(self.callee_list.callees.order_by())
        return _number_table(SuppressedNumber.objects.order_by())


def _number_table(queryset) -> NumberTable:
    """The numbers of `queryset`, read a chunk at a time into a compact table."""
    return NumberTable(queryset.values_list("number", flat=True).iterator(chunk_size=BATCH))


@dataclass
class ImportResult:
    report: ReadReport
    imported: int = 0
    updated: int = 0

    @property
    def skipped_existing(self) -> int:
        return self.report.existing - self.updated

    def as_json(self, list_name: str) -> dict:
        """The command line's one-line report."""
        return {
            "list": list_name,
            "imported": self.imported + self.updated,
            "duplicates": self.report.duplicates + self.skipped_existing,
            "rejected": self.report.rejected,
            "errors": [{"line": r.line, "value": r.value, "reason": r.reason}
                       for r in self.report.first_rejected[:JSON_ERRORS]],
            "errors_not_listed": max(0, self.report.rejected - JSON_ERRORS),
        }


def read_format(stream, *, encoding=None, delimiter=None) -> FileFormat:
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    return detect_format(head, encoding=encoding or None, delimiter=delimiter or None)


def import_file(stream, target: Target, *, fmt: FileFormat | None = None, mapping: ColumnMapping | None = None,
                default_region: str | None = None, update_existing: bool = False, dry_run: bool = False,
                user=None, progress=None, rejects_out=None, limit: int | None = None) -> ImportResult:
    """Validate a CSV stream and, unless `dry_run`, store its rows; raises CsvRefused.

    `rejects_out`, a binary stream, receives the rows not imported as CSV in the source's
    encoding and delimiter (see `rejects_writer`). With `limit` (a dry run's sample), only the
    first rows are read.
    """
    assert limit is None or dry_run, "storing part of a file would break 'everything or nothing'"
    fmt = fmt or read_format(stream)
    mapping = mapping or guess_mapping(fmt, target.targets)
    on_reject = on_duplicate = None
    if rejects_out is not None:
        rejects_text, writer = rejects_writer(rejects_out, fmt)

        # line, reason, then the row as it was: the reason stays in its column whatever a row's width.
        def on_reject(row: Rejected):
            writer.writerow([row.line, row.reason, *map(safe_cell, row.values)])

        def on_duplicate(duplicate: Duplicate):
            writer.writerow([duplicate.line, f"Duplicate of line {duplicate.first_line} (the first one is kept).",
                             *map(safe_cell, duplicate.values)])

    with nullcontext() if dry_run else _spool(target, user) as accepted:
        try:
            report = read_callees(
                stream, fmt, mapping, targets=target.targets, default_region=default_region,
                max_text=target.max_text, known=target.known_numbers(),
                suppressed=_number_table(SuppressedNumber.objects.order_by()) if target.callee_list else (),
                on_row=None if dry_run else accepted.add,
                on_reject=on_reject, on_duplicate=on_duplicate, progress=progress, limit=limit,
            )
        finally:
            if rejects_out is not None:
                rejects_text.flush()
                rejects_text.detach()
        result = ImportResult(report, imported=report.accepted - report.existing,
                              updated=report.existing if update_existing else 0)
        if dry_run:
            return result
        with transaction.atomic():
            stored = _store(target, accepted, update_existing)
    log.info("stored %s rows into %s (%s rejected)", stored, target.callee_list or "do-not-call list",
             report.rejected)
    return result


def rejects_writer(out, fmt: FileFormat):
    """(text stream, csv writer) over the binary `out`, writing as the source was written.

    Same delimiter and encoding, so a spreadsheet that opened the file opens its rejects the
    same way (a semicolon file in a Spanish Excel). UTF-8 gets a BOM, which Excel needs to
    read it as UTF-8 and other readers skip; a reason a code page cannot hold is written
    with "?" for what it lacks (the cells came from the file, so they fit).
    """
    encoding = fmt.encoding
    if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
        out.write(codecs.BOM_UTF8)  # by hand: Python's utf-8-sig encoder is much slower than utf-8's
        encoding = "utf-8"
    text = io.TextIOWrapper(out, encoding=encoding, errors="replace", newline="")
    writer = csv.writer(text, delimiter=fmt.delimiter)
    width = max([len(fmt.header), *(len(row) for row in fmt.sample)], default=1)
    columns = fmt.header or [f"column {i + 1}" for i in range(width)]
    writer.writerow(["line", "reason", *map(safe_cell, columns)])
    return text, writer


# Storing


@dataclass
class _Destination:
    """The table an import writes, its columns, and the values every row of this import shares."""

    model: type
    columns: tuple[str, ...]  # "number", then the targets, in the order read_callees gives them
    conflict: tuple[str, ...]
    fixed: dict

    @classmethod
    def of(cls, target: Target, user) -> _Destination:
        if target.callee_list:
            return cls(Callee, ("number", *target.targets), ("callee_list_id", "number"),
                       {"callee_list_id": target.callee_list.pk})
        return cls(SuppressedNumber, ("number", *target.targets), ("number",),
                   {"added_by_id": user.pk if user else None, "added_at": timezone.now()})

    @property
    def table(self) -> str:
        return self.model._meta.db_table


class _Spool:
    """Where the accepted rows wait between the check and the store, a batch at a time in memory."""

    def __init__(self, target: Target, user):
        self.destination = _Destination.of(target, user)
        self._batch = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def add(self, line: int, number: str, values: tuple[str, ...]) -> None:
        self._batch.append((number, *values))
        if len(self._batch) == BATCH:
            self.flush()

    def flush(self) -> None:
        raise NotImplementedError


class _TableSpool(_Spool):
    """SQLite: the accepted rows go into a temporary table as they are checked, a batch at a time
    (executemany binds them in C: about half what pickling them to a file and reading them back costs)."""

    def __init__(self, target: Target, user):
        super().__init__(target, user)
        names = ", ".join(self.destination.columns)
        self._insert = f"INSERT INTO temp.import_rows ({names}) VALUES ({', '.join(['%s'] * len(self.destination.columns))})"
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS temp.import_rows")  # left by an import that stopped
            cursor.execute(f"CREATE TEMP TABLE import_rows ({names})")

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS temp.import_rows")

    def flush(self) -> None:
        if self._batch:
            with connection.cursor() as cursor:
                cursor.executemany(self._insert, self._batch)
            self._batch = []


# COPY's text format: these four would end a field or a row, or start an escape.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _CopySpool(_Spool):
    """PostgreSQL: the accepted rows in a temporary file in COPY's text format, never all in memory.

    Each row starts with the values the import shares (the list), so an empty list's table can
    take the file as it is. Rows are joined a batch at a time: Python's csv writer cost 2.7 µs a
    row, joining them 0.3 µs; the rare batch with a tab, line break or backslash in a cell is escaped.
    """

    def __init__(self, target: Target, user):
        super().__init__(target, user)
        self.file = tempfile.TemporaryFile("w+b")
        self._prefix = "".join(_copy_text(value) + "\t" for value in self.destination.fixed.values())
        self._tabs = len(self.destination.columns) - 1  # in a row's own cells

    def __exit__(self, *exc):
        self.file.close()

    def flush(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        text = "\n".join(map("\t".join, batch))
        if ("\\" in text or "\r" in text or text.count("\t") != self._tabs * len(batch)
                or text.count("\n") != len(batch) - 1):
            text = "\n".join("\t".join(cell.translate(_COPY_ESCAPES) for cell in row) for row in batch)
        if self._prefix:
            text = self._prefix + text.replace("\n", "\n" + self._prefix)
        self.file.write(text.encode("utf-8"))
        self.file.write(b"\n")

    def chunks(self):
        """The file from the start, a megabyte at a time."""
        self.flush()
        self.file.seek(0)
        while chunk := self.file.read(1 << 20):
            yield chunk


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    return (value.isoformat() if hasattr(value, "isoformat") else str(value)).translate(_COPY_ESCAPES)


def _store(target: Target, accepted: _Spool, update_existing: bool) -> int:
    """Insert the accepted rows; existing numbers are skipped or updated.

    Returns the rows written."""
    destination = accepted.destination
    updates = destination.columns[1:] if update_existing else ()
    if connection.vendor == "postgresql":
        written = None
        if target.callee_list and not target.callee_list.callees.exists():
            try:
                with transaction.atomic():  # a savepoint: another import may have filled the list meanwhile
                    written = _copy_into(destination, accepted)
            except IntegrityError:
                pass
        if written is None:
            written = _merge(destination, updates, accepted)
        refresh_statistics(destination.model, written)
        return written
    accepted.flush()
    names = ", ".join(destination.columns)
    with connection.cursor() as cursor:
        # WHERE true: SQLite would read ON CONFLICT as a join's ON without it. In number order, the
        # unique index grows at one end instead of at a random place for every row.
        cursor.execute(f"INSERT INTO {destination.table} ({', '.join(destination.fixed)}, {names}) "
                       f"SELECT {', '.join(['%s'] * len(destination.fixed))}, {names} FROM temp.import_rows "
                       f"WHERE true ORDER BY number {_on_conflict(destination.conflict, updates)}",
                       tuple(destination.fixed.values()))
        return cursor.rowcount


def _spool(target: Target, user) -> _Spool:
    return (_CopySpool if connection.vendor == "postgresql" else _TableSpool)(target, user)


def callees_bulk_store(callee_list: CalleeList, rows) -> int:
    """Store (number, text1..text10) rows, already checked, into `callee_list` by the import's own bulk
    path (COPY on PostgreSQL); numbers already in the list are skipped. Returns the rows written."""
    target = Target(callee_list=callee_list)
    with _spool(target, None) as accepted, transaction.atomic():
        for number, *texts in rows:
            accepted.add(0, number, tuple(texts))
        return _store(target, accepted, False)


def _on_conflict(conflict, updates) -> str:
    target = ", ".join(conflict)
    if not updates:
        return f"ON CONFLICT ({target}) DO NOTHING"
    return f"ON CONFLICT ({target}) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in updates)


def _copy_from(cursor, table: str, names: str, accepted) -> None:
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for chunk in accepted.chunks():
            copy.write(chunk)


def _copy_into(destination: _Destination, accepted) -> int:
    """COPY straight into an empty list's table: nothing can conflict, nothing to merge."""
    with connection.cursor() as cursor, _references_checked_once(cursor, destination):
        _copy_from(cursor, destination.table, ", ".join((*destination.fixed, *destination.columns)), accepted)
        return cursor.rowcount


def _merge(destination: _Destination, updates, accepted) -> int:
    """COPY into a temporary table, then insert from it in number order, skipping or updating existing numbers."""
    names = ", ".join((*destination.fixed, *destination.columns))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_rows")  # an earlier import in the same transaction
        cursor.execute(f"CREATE TEMP TABLE import_rows ON COMMIT DROP AS SELECT {names} FROM {destination.table} "
                       "WITH NO DATA")
        _copy_from(cursor, "import_rows", names, accepted)
        with _references_checked_once(cursor, destination):
            cursor.execute(f"INSERT INTO {destination.table} ({names}) SELECT {names} FROM import_rows "
                           f"ORDER BY number {_on_conflict(destination.conflict, updates)}")
        return cursor.rowcount


@contextmanager
def _references_checked_once(cursor, destination: _Destination):
    """Check the foreign keys every row shares (the list, the user) once instead of once a row.

    PostgreSQL checks a foreign key with a query for every row inserted, a third of the server's
    work in a large import. All of an import's rows share the list (or the user), so it is locked
    against deletion until the commit, as PostgreSQL's own check would, and the per-row checks
    are skipped for the insert (session_replication_role = replica, as pg_restore does). A role
    that may not set it (only superusers, or one granted SET on that parameter) keeps them.
    """
    foreign_keys = [field for field in destination.model._meta.concrete_fields if field.is_relation]
    if any(field.attname not in destination.fixed for field in foreign_keys):
        yield  # a reference that varies by row: PostgreSQL checks each
        return
    for field in foreign_keys:
        value = destination.fixed[field.attname]
        if value is None:
            continue
        cursor.execute(f"SELECT 1 FROM {field.related_model._meta.db_table} WHERE {field.target_field.column} = %s "
                       "FOR KEY SHARE", (value,))
        if cursor.fetchone() is None:
            raise IntegrityError(f"{field.related_model._meta.verbose_name} {value} no longer exists")
    try:
        with transaction.atomic():  # a savepoint: refused, the transaction goes on
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        yield
        return
    yield
    # Only after success: a failed insert rolls back to a savepoint or the start, and the setting with it.
    cursor.execute("SET LOCAL session_replication_role = DEFAULT")


# The browser's import jobs


class UploadTooLarge(Exception):
    pass


def import_job_create(upload, target: Target, *, user=None) -> ImportJob:
    """Keep an uploaded file and what its head says about it; raises CsvRefused or UploadTooLarge."""
    limit = settings.CALLEE_IMPORT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise UploadTooLarge(f"{upload.name} is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                             f"{settings.CALLEE_IMPORT_MAX_MB} MB. Split the file and import the parts.")
    fmt = read_format(upload)
    mapping = guess_mapping(fmt, target.targets)
    job = ImportJob(callee_list=target.callee_list, original_name=upload.name[:255], encoding=fmt.encoding,
                    delimiter=fmt.delimiter, has_header=fmt.has_header, created_by=user,
                    mapping={"number": mapping.number, "texts": mapping.texts})
    job.file.save(upload.name, upload, save=False)
    job.save()
    return job


def _open(job: ImportJob):
    """A file object of its own (FieldFile.open() shares and closes one)."""
    return job.file.storage.open(job.file.name, "rb")


def job_format(job: ImportJob) -> FileFormat:
    with _open(job) as stream:
        fmt = read_format(stream, encoding=job.encoding, delimiter=job.delimiter)
    return FileFormat(fmt.encoding, fmt.delimiter, job.has_header,
                      fmt.header if job.has_header else [], fmt.sample)


def job_mapping(job: ImportJob) -> ColumnMapping:
    return ColumnMapping(job.mapping["number"], dict(job.mapping.get("texts", {})))


def job_target(job: ImportJob) -> Target:
    return Target(job.callee_list)


def import_job_preview(job: ImportJob) -> ImportResult:
    """A dry run of the first `CALLEE_IMPORT_PREVIEW_ROWS` rows of the job as configured.

    Bounded whatever the file's size: the full check runs in the worker once confirmed. Also
    records the row count for the progress bar (an estimate from the sample when the file is longer).
    """
    with _open(job) as stream:
        result = import_file(stream, job_target(job), fmt=job_format(job), mapping=job_mapping(job),
                             default_region=job.default_region or None, dry_run=True,
                             limit=settings.CALLEE_IMPORT_PREVIEW_ROWS)
    report = result.report
    job.rows_total = report.rows if report.complete else max(report.rows + 1, _rows_in(job))
    ImportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
    return result


def _rows_in(job: ImportJob) -> int:
    """About how many rows the job's file has: its line breaks, counted a megabyte at a time
    (tens of milliseconds for the largest upload; a quoted line break counts as a row)."""
    lines, last = 0, b"\n"
    with _open(job) as stream:
        while chunk := stream.read(1 << 20):
            lines, last = lines + chunk.count(b"\n"), chunk[-1:]
    return lines + (last not in b"\n\x00") - job.has_header


def import_job_queue(job: ImportJob) -> bool:
    """Confirm a job, once; the worker runs it when the transaction commits."""
    queued = bool(ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.UPLOADED).update(
        status=ImportJob.Status.QUEUED))
    if queued:
        from ..tasks import run_import  # the tasks call these services

        transaction.on_commit(lambda: run_import.delay(job.pk))
    return queued


def import_job_run(job_id) -> ImportJob | None:
    """Run a confirmed job: claim it, import, record the summary and the rejected rows."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.RUNNING, rows_done=0):
        return None
    job = ImportJob.objects.select_related("callee_list", "created_by").get(pk=job_id)
    rejects = tempfile.TemporaryFile()
    try:
        with _open(job) as stream, rejects:
            def progress(rows):  # the preview's total is an estimate when it read a sample
                ImportJob.objects.filter(pk=job_id).update(rows_done=rows, rows_total=max(job.rows_total, rows + 1))

            result = import_file(
                stream, job_target(job), fmt=job_format(job), mapping=job_mapping(job),
                default_region=job.default_region or None,
                update_existing=job.on_existing == ImportJob.OnExisting.UPDATE, user=job.created_by,
                progress=progress, rejects_out=rejects,
            )
            report = result.report
            if report.rejected or report.duplicates:
                rejects.seek(0)
                job.rejected_file.save(f"import-{job.pk}-not-imported.csv", File(rejects), save=False)
    except CsvRefused as refused:
        _finish_job(job, ImportJob.Status.FAILED, refused.message)
        return job
    except Exception:
        log.exception("import job %s failed", job_id)
        _finish_job(job, ImportJob.Status.FAILED, "The import stopped because of an unexpected error; "
                                                  "the list is unchanged. Try again or contact support.")
        raise
    job.imported, job.updated, job.rejected = result.imported, result.updated, report.rejected
    job.duplicates, job.existing = report.duplicates, report.existing
    job.rows_done = job.rows_total = report.rows
    if result.imported or result.updated:
        _remember_text_names(job)
    _finish_job(job, ImportJob.Status.DONE, _summary(job, result))
    return job


def _remember_text_names(job: ImportJob) -> None:
    """The list keeps what the file called each text it fed ({"text1": "Name"}), so pages say "text1 (Name)".

    A text fed from a column without a name (or one named after the text itself) loses its old name;
    texts the file did not feed keep theirs."""
    if not job.callee_list_id:
        return
    header = job_format(job).header  # empty when the file has no header row
    with transaction.atomic():
        callee_list = CalleeList.objects.select_for_update().get(pk=job.callee_list_id)
        names = dict(callee_list.text_names) if isinstance(callee_list.text_names, dict) else {}
        for text, column in job_mapping(job).texts.items():
            name = header[column].strip()[:TEXT_NAME_MAX] if column < len(header) else ""
            if name and header_key(name) != text:
                names[text] = name
            else:
                names.pop(text, None)
        callee_list.text_names = names
        callee_list.save(update_fields=["text_names"])


def _finish_job(job: ImportJob, status, message: str) -> None:
    job.status, job.message, job.finished_at = status, message, timezone.now()
    job.save()


def _summary(job: ImportJob, result: ImportResult) -> str:
    parts = [f"{result.imported:,} imported"]
    if result.updated:
        parts.append(f"{result.updated:,} updated")
    if result.skipped_existing:
        parts.append(f"{result.skipped_existing:,} already in the list (skipped)")
    duplicates = result.report.duplicates
    parts.append(f"{duplicates:,} duplicate{'' if duplicates == 1 else 's'} in the file")
    parts.append(f"{result.report.rejected:,} rejected")
    return ", ".join(parts) + "."
