"""The session form's table: one row per code as typed (code, minutes, assistant's minutes) with
the computed description, units and modifiers beside it. When the CQ rule splits a code into
two billed lines, the second appears as a read-only row right below its code's row.

Rows hold the text as typed, so nothing typed is ever lost, even when it is not a number yet;
`parsed_rows()` gives what the engine can use and `problems()` what must be fixed to save.
Computed columns change with `set_preview()`, which inserts or removes only the split rows (no
model reset), so the cell being edited keeps its editor and place.
"""

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from ptdesk.domain.words import agree, plural
from ptdesk.services.visits.session_dtos import (
    MAX_DAY_MINUTES,
    CodeOption,
    PreviewLine,
    SessionPreview,
    SessionRow,
)
from ptdesk.ui.theme import MUTED

COL_CODE = 0
COL_DESC = 1
COL_MINUTES = 2
COL_ASSIST = 3
COL_UNITS = 4
COL_MODS = 5
HEADERS = ("Code", "Description", "Minutes", "PTA min", "Units", "Modifiers")
EDITABLE = (COL_CODE, COL_MINUTES, COL_ASSIST)

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1  # the entry (typed row) index of a table row
IS_SPLIT_ROLE = Qt.ItemDataRole.UserRole + 2
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 3  # the problem of this cell, "" when none

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_ERROR_INK = QColor("#9f1d20")
_ERROR_TINT = QColor("#fbe9e9")


@dataclass(frozen=True, slots=True)
class Entry:
    code: str = ""
    minutes: str = ""
    assistant: str = ""

    @property
    def blank(self) -> bool:
        return not (self.code.strip() or self.minutes.strip() or self.assistant.strip())


def _number(text: str) -> int | None:
    t = text.strip()
    if not t:
        return 0
    return int(t) if t.isdigit() else None


def entry_problems(e: Entry, line: int, known: frozenset[str]) -> dict[int, str]:
    """Column -> what must be fixed, in words for the therapist."""
    out: dict[int, str] = {}
    if e.blank:
        return out
    code = e.code.strip().upper()
    if not code:
        out[COL_CODE] = f"Line {line}: enter a CPT code."
    elif known and code not in known:
        out[COL_CODE] = (f"Line {line}: ptdesk does not know code {code}; check it, or bill it "
                         "outside ptdesk.")
    minutes = _number(e.minutes)
    assistant = _number(e.assistant)
    if minutes is None:
        out[COL_MINUTES] = (f"Line {line}: minutes must be a whole number "
                            f"(\"{e.minutes.strip()}\" is not).")
    elif minutes > MAX_DAY_MINUTES:
        out[COL_MINUTES] = f"Line {line}: {plural(minutes, 'minute')} is more than 24 hours."
    if assistant is None:
        out[COL_ASSIST] = (f"Line {line}: the assistant's minutes must be a whole number "
                           f"(\"{e.assistant.strip()}\" is not).")
    elif minutes is not None and assistant > minutes:
        out[COL_ASSIST] = (f"Line {line}: the assistant's {plural(assistant, 'minute')} "
                           f"{agree(assistant, 'is')} more than the code's "
                           f"{plural(minutes, 'minute')} in total.")
    return out


class SessionLinesModel(QAbstractTableModel):
    sig_edited = Signal()  # something typed changed (an entry edited, added or removed)

    def __init__(self, codes: tuple[CodeOption, ...] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._codes = {c.code: c for c in codes}
        self._known = frozenset(self._codes)
        self._entries: list[Entry] = []
        self._display: list[tuple[int, int]] = []  # (entry index, part) per table row
        self._preview: SessionPreview | None = None
        self._lines: dict[tuple[int, int], PreviewLine] = {}
        self._problems: list[dict[int, str]] = []
        self._merged_into: dict[int, int] = {}  # entry -> the first entry of the same code

    # ---- data in ------------------------------------------------------------------------
    def set_entries(self, rows: tuple[SessionRow, ...] | list[Entry]) -> None:
        self.beginResetModel()
        self._entries = [
            r if isinstance(r, Entry) else Entry(r.code, str(r.minutes),
                                                 str(r.assistant_minutes or ""))
            for r in rows
        ] or [Entry()]
        self._display = [(i, 0) for i in range(len(self._entries))]
        self._preview = None
        self._lines = {}
        self._recheck()
        self.endResetModel()
        self.sig_edited.emit()

    def entries(self) -> tuple[Entry, ...]:
        return tuple(self._entries)

    def add_entry(self, entry: Entry | None = None) -> int:
        """Append an entry; returns its table row."""
        row = len(self._display)
        self.beginInsertRows(QModelIndex(), row, row)
        self._entries.append(entry or Entry())
        self._display.append((len(self._entries) - 1, 0))
        self._recheck()
        self.endInsertRows()
        self.sig_edited.emit()
        return row

    def remove_entry(self, entry: int) -> None:
        rows = [i for i, (e, _p) in enumerate(self._display) if e == entry]
        if not rows:
            return
        self.beginRemoveRows(QModelIndex(), rows[0], rows[-1])
        del self._entries[entry]
        self._display = [(e - (e > entry), p) for e, p in self._display if e != entry]
        self._lines = {}
        self._recheck()
        self.endRemoveRows()
        if not self._entries:
            self.add_entry()
            return
        self._changed_all()
        self.sig_edited.emit()

    def set_preview(self, preview: SessionPreview) -> None:
        self._preview = preview
        lines: dict[tuple[int, int], PreviewLine] = {ln_key(ln): ln for ln in preview.lines}
        self._lines = lines
        # Each entry row, followed by as many split rows as its code has extra lines.
        row = 0
        for entry in range(len(self._entries)):
            want = sum(1 for (e, p) in lines if e == entry and p > 0)
            have = 0
            while row + 1 + have < len(self._display) and self._display[row + 1 + have][1] > 0:
                have += 1
            if want > have:
                self.beginInsertRows(QModelIndex(), row + 1 + have, row + want)
                for p in range(have + 1, want + 1):
                    self._display.insert(row + p, (entry, p))
                self.endInsertRows()
            elif want < have:
                self.beginRemoveRows(QModelIndex(), row + 1 + want, row + have)
                del self._display[row + 1 + want: row + 1 + have]
                self.endRemoveRows()
            row += 1 + want
        self._changed_all()

    def _changed_all(self) -> None:
        if self._display:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._display) - 1, len(HEADERS) - 1))

    # ---- what the form reads ---------------------------------------------------------------
    def parsed_rows(self) -> list[SessionRow | None]:
        """One per entry: None for a blank entry or one with a problem in its numbers."""
        out: list[SessionRow | None] = []
        for e, probs in zip(self._entries, self._problems, strict=True):
            minutes, assistant = _number(e.minutes), _number(e.assistant)
            if (e.blank or not e.code.strip() or minutes is None or assistant is None
                    or COL_ASSIST in probs or COL_MINUTES in probs):
                out.append(None)
            else:
                out.append(SessionRow(e.code.strip().upper(), minutes, assistant))
        return out

    def problems(self) -> list[tuple[int, int, str]]:
        """(table row, column, message) for every problem, plus a day over 24 hours."""
        out: list[tuple[int, int, str]] = []
        for row, (entry, part) in enumerate(self._display):
            if part == 0:
                out.extend((row, col, msg) for col, msg in sorted(self._problems[entry].items()))
        total = sum(r.minutes for r in self.parsed_rows() if r is not None)
        if total > MAX_DAY_MINUTES:
            out.append((0, COL_MINUTES, f"The lines add up to {total} minutes, more than 24 "
                                        "hours in one day."))
        return out

    def entry_of_row(self, row: int) -> int:
        return self._display[row][0]

    def row_of_entry(self, entry: int) -> int:
        return self._display.index((entry, 0))

    def has_content(self) -> bool:
        return any(not e.blank for e in self._entries)

    def _recheck(self) -> None:
        self._problems = [entry_problems(e, i + 1, self._known)
                          for i, e in enumerate(self._entries)]
        first: dict[str, int] = {}
        self._merged_into = {}
        for i, e in enumerate(self._entries):
            code = e.code.strip().upper()
            if code:
                if code in first:
                    self._merged_into[i] = first[code]
                else:
                    first[code] = i

    # ---- Qt overrides -------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._display)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section >= COL_MINUTES and (
                    section != COL_MODS):
                return _RIGHT
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_ASSIST:
                return "Minutes the assistant (PTA) furnished independently of the therapist"
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._display[index.row()][1] == 0 and index.column() in EDITABLE:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid()
                or not self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        entry = self._display[index.row()][0]
        text = "" if value is None else str(value).strip()
        e = self._entries[entry]
        col = index.column()
        new = (replace(e, code=text.upper()) if col == COL_CODE else
               replace(e, minutes=text) if col == COL_MINUTES else replace(e, assistant=text))
        if new == e:
            return True
        self._entries[entry] = new
        self._recheck()
        self._changed_all()
        self.sig_edited.emit()
        return True

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._display):
            return None
        entry, part = self._display[index.row()]
        col = index.column()
        if role == ENTRY_ROLE:
            return entry
        if role == IS_SPLIT_ROLE:
            return part > 0
        problem = self._problems[entry].get(col, "") if part == 0 else ""
        if role == PROBLEM_ROLE:
            return problem
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(entry, part, col, role == Qt.ItemDataRole.EditRole)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col in (COL_MINUTES, COL_ASSIST, COL_UNITS) else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem or self._tooltip(entry, part, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if problem:
                return QBrush(_ERROR_INK)
            if part > 0 or col == COL_DESC or (col == COL_UNITS and entry in self._merged_into):
                return QBrush(QColor(MUTED))
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return QBrush(_ERROR_TINT)
        return None

    def _line(self, entry: int, part: int) -> PreviewLine | None:
        return self._lines.get((entry, part))

    def _text(self, entry: int, part: int, col: int, edit: bool) -> str:
        e = self._entries[entry]
        line = self._line(entry, part)
        if part > 0:
            if line is None:
                return ""
            if col == COL_CODE:
                return f"  ↳ {line.code}"
            if col == COL_DESC:
                return f"assistant's {line.assistant_minutes} min (CQ)"
            if col == COL_UNITS:
                return str(line.units)
            if col == COL_MODS:
                return line.modifiers_text
            return ""
        if col == COL_CODE:
            return e.code
        if col == COL_MINUTES:
            return e.minutes
        if col == COL_ASSIST:
            return e.assistant
        if edit:
            return ""
        code = e.code.strip().upper()
        if col == COL_DESC:
            info = self._codes.get(code)
            if entry in self._merged_into:
                return f"added to line {self._merged_into[entry] + 1} (same code)"
            if info is None:
                return "unknown code" if code else ""
            if line is not None and line.part == 0 and (entry, 1) in self._lines:
                return f"{info.description} · therapist's part"
            return info.description
        if entry in self._merged_into:
            return "↑" if col == COL_UNITS else ""
        if line is None:
            return ""
        if col == COL_UNITS:
            return "" if line.units is None else str(line.units)
        return line.modifiers_text

    def _tooltip(self, entry: int, part: int, col: int) -> str:
        line = self._line(entry, part)
        if line is None or self._preview is None:
            return ""
        if col == COL_MODS and line.modifiers:
            notes = dict(self._preview.modifier_notes)
            return "\n".join(f"{m}: {notes[m]}" for m in line.modifiers if m in notes)
        if col == COL_UNITS:
            return line.note or self._preview.explanation
        if part > 0 and line.note:
            return line.note
        return ""


def ln_key(line: PreviewLine) -> tuple[int, int]:
    return (line.row, line.part)
