"""Import one CSV file of one kind, in ONE transaction (a failure leaves the database as it
was); a dry run does all the same work and rolls it back, so it reports exactly what the real
import would refuse.

Rows are parsed by the domain (`domain.imports.rows`), the database work is the kind's module.
Visits, authorizations and coverages change what patients' visits draw from: at the end the
touched patients are re-allocated once each, with the same derivation every visit recorded in
the app goes through (`auth_records`; written in batches by `bulk.derive`), and the change
counter moves so every open board rebuilds.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.imports import rows as parse
from ptdesk.domain.imports.columns import SPECS, ImportKind, match_headers
from ptdesk.domain.imports.values import CellError
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import require
from ptdesk.services.authorizations.change_counter import bump
from ptdesk.services.imports import authorizations, coverages, patients, payers, visits
from ptdesk.services.imports.bulk import derive
from ptdesk.services.imports.dtos import (
    ColumnMatch,
    ImportPreview,
    ImportReport,
    KindResult,
    RowProblem,
)
from ptdesk.services.imports.reader import CsvTable, ImportFileError
from ptdesk.services.imports.reader import parse as parse_csv
from ptdesk.services.imports.reader import stream as stream_csv

log = logging.getLogger(__name__)

Progress = Callable[[int], None]  # percent of the whole import done
Mapping = dict[str, str | None]  # column -> the file's header (None: leave it empty)
REALLOCATE_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Parsed:
    line: int
    row: Any


class _DryRun(Exception):
    """Raised after a dry run's work so the transaction rolls back."""


def _mapping(kind: ImportKind, table: CsvTable, override: Mapping | None) -> dict[str, int | None]:
    found = match_headers(kind, list(table.headers))
    if override:
        for col, header in override.items():
            if col not in found:
                continue
            if header is None:
                found[col] = None
            elif header in table.headers:
                found[col] = table.headers.index(header)
            else:
                raise ImportFileError(f"the file has no column '{header}' (for {col})")
    return found


def preview_of(kind: ImportKind, table: CsvTable, override: Mapping | None = None,
               rows: int | None = None) -> ImportPreview:
    """`rows`: the count when the table was streamed (its `rows` left empty)."""
    found = _mapping(kind, table, override)
    spec = SPECS[kind]
    used = {i for i in found.values() if i is not None}
    return ImportPreview(
        kind, table.headers,
        tuple(ColumnMatch(c, table.headers[i] if (i := found[c]) is not None else None,
                          c in spec.required) for c in spec.columns),
        tuple(h for i, h in enumerate(table.headers) if i not in used and h),
        table.encoding, table.delimiter, len(table.rows) if rows is None else rows,
    )


def _key(kind: ImportKind, r: Any) -> tuple[object, ...]:
    if kind is ImportKind.PAYERS:
        return (r.name.lower(),)
    if kind is ImportKind.PATIENTS:
        return (r.chart,)
    if kind is ImportKind.COVERAGES:
        return (r.chart, r.payer.lower(), r.rank)
    if kind is ImportKind.AUTHORIZATIONS:
        return (r.chart, r.payer.lower(), r.number)
    return (r.chart, r.day, r.at)


def parse_rows(kind: ImportKind, cells_of: Iterable[tuple[int, tuple[str, ...]]],
               found: dict[str, int | None], today: date
               ) -> tuple[list[Parsed], list[RowProblem], int]:
    """Every row through the domain's parser; the second of two rows with one key refused."""
    ok: list[Parsed] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[object, ...], int] = {}
    idx = [(c, i) for c, i in found.items() if i is not None]
    count = 0
    for line, cells in cells_of:
        count += 1
        n = len(cells)
        cols = {c: (cells[i] if i < n else "") for c, i in idx}
        get = lambda c, cols=cols: cols.get(c, "")  # noqa: E731
        try:
            if kind is ImportKind.PAYERS:
                r: Any = parse.payer(get)
            elif kind is ImportKind.PATIENTS:
                r = parse.patient(get, today)
            elif kind is ImportKind.COVERAGES:
                r = parse.coverage(get)
            elif kind is ImportKind.AUTHORIZATIONS:
                r = parse.authorization(get)
            else:
                r = parse.visit(get, today)
        except CellError as exc:
            problems.append(RowProblem(line, str(exc)))
            continue
        key = _key(kind, r)
        first = seen.get(key)
        if first is not None:
            problems.append(RowProblem(line, f"duplicate of line {first} (same "
                                             f"{', '.join(SPECS[kind].key)})"))
            continue
        seen[key] = line
        ok.append(Parsed(line, r))
    return ok, problems, count


class ImportService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    @staticmethod
    def read(kind: ImportKind, data: bytes, override: Mapping | None = None) -> ImportPreview:
        """How the file reads and how its headers were matched (no database)."""
        return preview_of(kind, parse_csv(data), override)

    def run(self, kind: ImportKind, data: bytes, *, today: date, mapping: Mapping | None = None,
            dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
        """Raises ImportFileError when the file cannot be read or lacks a required column."""
        require(Permission.EDIT_PATIENTS)
        headers, cells, encoding, delimiter = stream_csv(data)
        table = CsvTable(headers, (), encoding, delimiter)  # the rows are streamed, not kept
        preview = preview_of(kind, table, mapping)
        if preview.missing:
            raise ImportFileError(
                f"the file has no column for {', '.join(preview.missing)} "
                f"(its header row has: {', '.join(h for h in table.headers if h) or 'nothing'})")
        found = _mapping(kind, table, mapping)
        rows, problems, rows_read = parse_rows(kind, cells, found, today)
        del cells
        preview = preview_of(kind, table, mapping, rows_read)
        result = KindResult()
        session = self._factory()
        try:
            result = self._apply(session, kind, rows, problems, today, progress)
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        problems.sort(key=lambda p: p.line)
        log.info("import %s%s: %d rows, %d created, %d updated, %d unchanged, %d refused",
                 kind.value, " (dry run)" if dry_run else "", rows_read, result.created,
                 result.updated, result.unchanged, len(problems))
        return ImportReport(kind, dry_run, rows_read, result.created, result.updated,
                            result.unchanged, tuple(problems), preview,
                            tuple(sorted(result.notes or (), key=lambda p: p.line)))

    @staticmethod
    def _apply(s: Session, kind: ImportKind, rows: list[Parsed], problems: list[RowProblem],
               today: date, progress: Progress | None) -> KindResult:
        module = {ImportKind.PAYERS: payers, ImportKind.PATIENTS: patients,
                  ImportKind.COVERAGES: coverages, ImportKind.AUTHORIZATIONS: authorizations,
                  ImportKind.VISITS: visits}[kind]
        n = max(len(rows), 1)

        def step(done: int) -> None:  # the rows are the first 70%, the derivation the rest
            if progress is not None:
                progress(min(done, n) * 70 // n)

        result: KindResult = module.apply(s, rows, problems, today, step)
        rows.clear()  # the parsed rows are written: free them before the derivation
        known = result.known_visits or {}
        pids = sorted(result.touched_patients or ())
        for i in range(0, len(pids), REALLOCATE_BATCH):
            chunk = pids[i:i + REALLOCATE_BATCH]
            derive(s, chunk, None, {p: known.pop(p) for p in chunk if p in known})
            if progress is not None:
                progress(70 + (i + len(chunk)) * 30 // len(pids))
        if result.created or result.updated:
            bump(s, ())  # a change naming no patient: every open board rebuilds whole
        if progress is not None:
            progress(100)
        return result
