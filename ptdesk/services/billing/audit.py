"""`ptdesk audit`: recompute past service lines and report every difference, streaming.

Rows are read one at a time and grouped into visits by *consecutive* `visit_id`: a visit is
finished as soon as a row with another id arrives. If a visit's rows are not contiguous (the id
comes back after other visits), the later rows are audited as a separate visit and carry a
`VISIT_ROWS_NOT_CONTIGUOUS` warning: merging them would need the whole file in memory, and
auditing them apart can misstate units (sort the file by visit_id to fix it). Ids already seen
are remembered in a fixed 16 MB Bloom filter: exact in practice for a few million visits, with a
tiny chance of a false warning beyond that, never of a missed merge.

Memory stays flat whatever the file holds: a line longer than `MAX_LINE` characters is skipped
unread, a field longer than the csv module's limit is an unreadable row, and a visit keeps at
most `MAX_ROWS_PER_VISIT` rows (the rest become one INVALID_ROW finding).

Finished visits are gathered into chunks; each chunk is audited (rows parsed, the billing
engine run, the output text rendered) by `ChunkAuditor`, in this process or, for a large file,
in a pool of worker processes. Chunks are written in the order they were read, and every
answer is a pure function of the chunk's rows, so the output is the same bytes either way.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import TextIO

from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.services.billing.audit_chunks import ChunkAuditor, ChunkStats, Item
from ptdesk.services.billing.audit_output import CSV_COLUMNS as CSV_COLUMNS  # the report's columns
from ptdesk.services.billing.audit_rows import (
    AuditInputError,
    AuditSummary,
    _Parser,
    _Rows,
    _SeenIds,
)
from ptdesk.services.billing.audit_rows import open_audit_file as open_audit_file

__all__ = ["AuditInputError", "AuditSummary", "audit_stream", "open_audit_file"]

MAX_LINE = 1 << 20  # characters in one physical line of the file
MAX_ROWS_PER_VISIT = 1_000
FIELD_LIMIT = 1 << 17  # characters in one CSV field (the csv module's default, made explicit)
CHUNK_VISITS = 2_000  # visits handed to a worker at a time
_SKIPPED_LINE = "\x00"  # stands for an over-long line in the row stream


def _lines(f: TextIO) -> Iterator[str]:
    """The file's lines, each at most MAX_LINE characters: a longer one is read through in
    pieces and replaced by a marker line (so memory stays bounded)."""
    readline = f.readline
    while True:
        line = readline(MAX_LINE)
        if not line:
            return
        if len(line) == MAX_LINE and not line.endswith(("\n", "\r")):
            while True:
                rest = readline(MAX_LINE)
                if not rest or len(rest) < MAX_LINE or rest.endswith(("\n", "\r")):
                    break
            yield _SKIPPED_LINE + "\n"
            continue
        yield line


def _items(f: TextIO, progress: Callable[[int], None] | None) -> tuple[list[str], Iterator[Item]]:
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(_lines(f))
    try:
        header = next(reader)
    except StopIteration:
        raise AuditInputError("the file is empty (no header row)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise AuditInputError(f"the file is not readable CSV text ({exc})") from None
    _Parser(header)  # checks the columns now, before anything is written
    return header, _gather(reader, _Rows(header), progress)


def _gather(reader: Iterator[list[str]], rows_in: _Rows,
            progress: Callable[[int], None] | None) -> Iterator[Item]:
    """Visits (and rows that belong to none) in file order, as `audit_chunks.Item`s."""
    fields, vid_i = rows_in.fields, rows_in.vid_i
    seen = _SeenIds()
    cur: str | None = None
    first_row = 0
    repeated = False
    rows: list[tuple[int, tuple[str, ...]]] = []
    dropped = (0, 0)  # rows of the visit past MAX_ROWS_PER_VISIT, and the first one's number
    n_rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError) as exc:
            n_rows += 1
            yield ("bad", reader.line_num, f"unreadable CSV ({exc})")  # type: ignore[attr-defined]
            continue
        n_rows += 1
        if progress is not None and n_rows % 10_000 == 0:
            progress(n_rows)
        if not row:
            continue
        row_no = reader.line_num  # type: ignore[attr-defined]
        if row[0] == _SKIPPED_LINE and len(row) == 1:
            yield ("bad", row_no, f"the line is longer than {MAX_LINE:,} characters")
            continue
        vid = row[vid_i].strip() if vid_i < len(row) else ""
        if not vid:
            yield ("bad", row_no, "visit_id is empty")
            continue
        if len(vid) > 256:
            yield ("bad", row_no, "visit_id is longer than 256 characters")
            continue
        if vid != cur:
            if cur is not None:
                yield ("visit", cur, first_row, repeated, rows, dropped)
            cur, first_row, repeated = vid, row_no, seen.add_and_check(vid)
            rows, dropped = [], (0, 0)
        if len(rows) < MAX_ROWS_PER_VISIT:
            rows.append((row_no, fields(row)))
        else:
            dropped = (dropped[0] + 1, dropped[1] or row_no)
    if cur is not None:
        yield ("visit", cur, first_row, repeated, rows, dropped)


def _chunks(items: Iterator[Item]) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= CHUNK_VISITS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ---- worker processes ------------------------------------------------------------------------

_WORKER: ChunkAuditor | None = None


def _init_worker(rules: RuleSet, fmt: str, header: list[str]) -> None:
    global _WORKER
    _WORKER = ChunkAuditor(rules, fmt, header)


def _run_chunk(items: list[Item]) -> tuple[str, ChunkStats]:
    assert _WORKER is not None
    return _WORKER.run(items)


def _results(chunks: Iterator[list[Item]], rules: RuleSet, fmt: str, header: list[str],
             workers: int) -> Iterator[tuple[str, ChunkStats]]:
    """Each chunk's text and counts, in order; through `workers` processes when more than 1."""
    if workers <= 1:
        auditor = ChunkAuditor(rules, fmt, header)
        for chunk in chunks:
            yield auditor.run(chunk)
        return
    # fork: the workers inherit the rule tables instead of receiving them pickled.
    ctx = get_context("fork")
    with ProcessPoolExecutor(workers, ctx, _init_worker, (rules, fmt, header)) as pool:
        pending: list[Future[tuple[str, ChunkStats]]] = []
        for chunk in chunks:
            pending.append(pool.submit(_run_chunk, chunk))
            if len(pending) > 2 * workers:  # a bounded number in flight: memory stays flat
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()


def audit_stream(
    f: TextIO,
    out: TextIO,
    fmt: str,
    rules: RuleSet,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> AuditSummary:
    """Audit the CSV text `f` into `out` as JSON or CSV; returns the summary."""
    header, items = _items(f, progress)
    auditor = ChunkAuditor(rules, fmt, header)  # validates fmt before anything is written
    out.write(auditor.renderer.head())
    total = ChunkStats()
    first = fmt == "json"
    for text, stats in _results(_chunks(items), rules, fmt, header, workers):
        if first and text:
            text = text[1:]  # the first JSON visit has no comma before it
            first = False
        out.write(text)
        total.add(stats)
    summary = total.summary()
    out.write(auditor.renderer.tail(summary))
    return summary


def audit_stream_reference(
    f: TextIO,
    out: TextIO,
    fmt: str,
    rules: RuleSet,
    progress: Callable[[int], None] | None = None,
) -> AuditSummary:
    """The audit in one process, under the name the second ("reference") audit path had before
    issue 9 merged the two. It is the same path as `audit_stream`, kept so callers of the old
    name keep working; the independent oracle the tests compare against lives in
    tests/services/audit_oracle.py."""
    return audit_stream(f, out, fmt, rules, progress, workers=1)
