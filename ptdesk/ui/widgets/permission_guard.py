"""Controls the signed-in person's roles do not allow: disabled, with a tooltip saying why
(issue 12). The services refuse anyway; this only spares a click that would be refused.

`guard(control, Permission.X)` once where the control is built; the window calls
`refresh_guards()` after a switch of user, so the next person sees their own rights.
"""

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import permitted, why_not

Control = QWidget | QAction
_guarded: list[tuple[Control, Permission, str]] = []


def _apply(control: Control, permission: Permission, tip: str) -> None:
    allowed = permitted(permission)
    control.setEnabled(allowed)
    control.setToolTip(tip if allowed else why_not(permission))
    if isinstance(control, QAction):
        control.setStatusTip(control.toolTip())


def guard(control: Control, permission: Permission, tip: str = "") -> None:
    """Enable `control` only when the signed-in person may; `tip` is its tooltip when they
    may, the refusal in words when they may not."""
    if len(_guarded) > 500:  # dialogs come and go: forget the deleted controls now and then
        _guarded[:] = [g for g in _guarded if isValid(g[0])]
    _guarded.append((control, permission, tip))
    _apply(control, permission, tip)


def allow(control: Control, permission: Permission, state: bool = True, tip: str = "") -> None:
    """For a control whose page enables it by state (a visit chosen ...): enabled when the
    state allows it and the signed-in person may; the tooltip says why when they may not."""
    allowed = permitted(permission)
    control.setEnabled(state and allowed)
    control.setToolTip(tip if allowed else why_not(permission))


def refresh_guards() -> None:
    """Re-apply every guard for whoever is signed in now (controls since deleted dropped)."""
    alive = [(c, p, t) for c, p, t in _guarded if isValid(c)]
    _guarded[:] = alive
    for control, permission, tip in alive:
        _apply(control, permission, tip)
