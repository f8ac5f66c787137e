"""The audit trail as a table (the Audit page)."""

from ptdesk.domain.dates import clock, long_date
from ptdesk.services.accounts.audit_log import AuditRow
from ptdesk.ui.widgets.rows_model import Column, RowsModel

ACTION_WORDS = {
    "create": "Created", "change": "Changed", "delete": "Deleted", "void": "Voided",
    "override": "Override", "sign_in": "Signed in", "sign_in_failed": "Sign-in FAILED",
    "sign_out": "Signed out", "lock": "Locked", "unlock": "Unlocked",
    "unlock_failed": "Unlock FAILED", "print": "Printed", "export": "Exported",
    "account_locked": "Account LOCKED", "account_unlocked": "Account unlocked",
}


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(r: AuditRow) -> str:
    return f"{long_date(r.at)}  {clock(r.at.time(), seconds=True)}"


class AuditTableModel(RowsModel[AuditRow]):
    COLUMNS = (
        Column[AuditRow]("When", _when, tooltip=lambda r: None),
        Column[AuditRow]("Who", lambda r: r.actor, tooltip=lambda r: None),
        Column[AuditRow]("Action", lambda r: ACTION_WORDS.get(r.action, r.action),
                         tooltip=lambda r: None),
        Column[AuditRow]("Table", lambda r: r.table_name.replace("_", " "),
                         tooltip=lambda r: None),
        Column[AuditRow]("Row", lambda r: r.row_id, tooltip=lambda r: None),
        Column[AuditRow]("Patient #", lambda r: "" if r.patient_id is None else str(r.patient_id),
                         tooltip=lambda r: None),
        # the whole before/after text, which the column shortens
        Column[AuditRow]("Before", lambda r: _short(r.before), tooltip=lambda r: r.before or None),
        Column[AuditRow]("After", lambda r: _short(r.after), tooltip=lambda r: r.after or None),
    )
