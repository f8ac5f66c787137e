"""The override's reason dialog, one for every decision a person overrides: the check-in's
stop (ui/visits/override_dialog.py) and the session form's errors (ui/session/session_override.py).
The reasons, their detail and "By" are checked by the domain (`check_override`)."""

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.overrides import OverrideDraft, OverrideReason, check_override
from ptdesk.ui.widgets.field_form import FieldForm
from ptdesk.ui.widgets.saving_dialog import SavingDialog

T = TypeVar("T")
_HINTS = {
    OverrideReason.PHONE_CONFIRMED: "The payer's reference number for the call",
    OverrideReason.OTHER: "Why the visit goes ahead",
}


class ReasonDialog(SavingDialog[T]):
    """The override's reason, detail and "By" (one dialog for every decision overridden: the
    check-in's stop and the session form's errors); subclasses give the intro and the save."""

    def __init__(self, intro: QWidget, save_text: str, by: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.reason_box = QWidget()
        rb = QVBoxLayout(self.reason_box)
        rb.setContentsMargins(0, 0, 0, 0)
        self.radios: dict[OverrideReason, QRadioButton] = {}
        for i, reason in enumerate(OverrideReason, 1):
            label = reason.label + (": reference number" if reason is
                                    OverrideReason.PHONE_CONFIRMED else "")
            if reason is OverrideReason.OTHER:
                label = "Other (say why)"
            radio = QRadioButton(f"&{i}  {label}")
            self.group.addButton(radio, i)
            self.radios[reason] = radio
            rb.addWidget(radio)
            key = QShortcut(QKeySequence(str(i)), self)
            key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            key.activated.connect(lambda r=radio: self._pick(r))
        self.group.buttonToggled.connect(lambda *_a: self._reason_changed())
        self.detail = QLineEdit()
        self.detail.setMaxLength(200)
        self.by = QLineEdit(by)
        self.by.setMaxLength(80)
        self.by.setPlaceholderText("Your initials or name")
        self.form = FieldForm.of(
            ("reason", "&Reason *", self.reason_box),
            ("detail", "&Details", self.detail),
            ("by", "&By *", self.by, "Who decides (initials until there are user accounts)"))
        self._lay_out(self.form, intro=intro, min_width=600)
        # Wrapped sentences need their height for the dialog's width (no overlapping lines).
        lay = self.layout()
        assert lay is not None
        lay.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.save_button.setText(save_text)
        self._reason_changed()
        next(iter(self.radios.values())).setFocus()

    def _pick(self, radio: QRadioButton) -> None:
        if self.detail.hasFocus() or self.by.hasFocus():
            return  # digits typed into a field are text, not a choice
        radio.setChecked(True)
        radio.setFocus()

    def reason(self) -> OverrideReason | None:
        return next((r for r, b in self.radios.items() if b.isChecked()), None)

    def _reason_changed(self) -> None:
        r = self.reason()
        needs = r is not None and r.needs_detail
        self.detail.setEnabled(needs)
        self.detail.setPlaceholderText(_HINTS.get(r, "Not needed for this reason")
                                       if r is not None else "Choose a reason first")
        self.form.labels["detail"].setText(
            f"&{r.detail_label} *" if r is not None and needs else "&Details")

    def draft(self) -> OverrideDraft:
        r = self.reason()
        return OverrideDraft(r, self.detail.text() if r is not None and r.needs_detail else "",
                             self.by.text())

    def errors(self) -> dict[str, str]:
        try:
            check_override(self.draft())
        except ValidationErrors as e:
            return e.errors
        return {}
