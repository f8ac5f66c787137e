"""The Import page's list of refused rows (line number and reason)."""

from ptdesk.services.imports.dtos import RowProblem
from ptdesk.ui.widgets.rows_model import Column, RowsModel


class ProblemsModel(RowsModel[RowProblem]):
    COLUMNS = (
        Column("Line", lambda p: str(p.line), sort=lambda p: p.line, right=True),
        Column("Why the row is refused", lambda p: p.reason),
    )


class NotesModel(RowsModel[RowProblem]):
    COLUMNS = (
        Column("Line", lambda p: str(p.line), sort=lambda p: p.line, right=True),
        Column("Imported, with a note", lambda p: p.reason),
    )
