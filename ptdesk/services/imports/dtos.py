"""What the import screens and command receive: frozen rows, no ORM, no Qt."""

from dataclasses import dataclass
from decimal import Decimal

from ptdesk.domain.imports.columns import ImportKind
from ptdesk.domain.visit_allocation import VisitRecord


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int  # the file's line number (the header is line 1)
    reason: str


@dataclass(frozen=True, slots=True)
class ColumnMatch:
    column: str  # ptdesk's column
    header: str | None  # the file's header that fills it; None = not in the file
    required: bool


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """How a file was read and its columns matched, before anything is imported."""

    kind: ImportKind
    headers: tuple[str, ...]
    columns: tuple[ColumnMatch, ...]
    ignored: tuple[str, ...]  # the file's headers no column uses
    encoding: str
    delimiter: str
    rows: int

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(c.column for c in self.columns if c.required and c.header is None)


@dataclass(frozen=True, slots=True)
class ImportReport:
    kind: ImportKind
    dry_run: bool
    rows_read: int
    created: int
    updated: int
    unchanged: int
    problems: tuple[RowProblem, ...]
    preview: ImportPreview
    # Rows imported with something left out (e.g. a provider not in Settings yet).
    notes: tuple[RowProblem, ...] = ()

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class KindResult:
    """What one kind's module did (mutable while it works)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    touched_patients: set[int] | None = None  # whose allocation must be recomputed
    # Patients who had no visit before this import: every visit they have now, as written
    # (the record and its lines' allowed total), so their allocation is derived from these
    # instead of reading back what was just written.
    known_visits: "dict[int, list[tuple[VisitRecord, Decimal | None]]] | None" = None
    notes: list[RowProblem] | None = None
