"""Dates on screen: `Mar 7, 1961`, and a field that accepts what people type.

The field takes 03/07/1961, 3/7/61, 030761, 03071961, 1961-03-07 or Mar 7, 1961 and shows it
back as `Mar 7, 1961` when the person leaves it, so they see which date was understood.
"""

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from ptdesk.domain.dates import FAR_FUTURE, long_date, parse_date


def format_date(value: date | None) -> str:
    """`Mar 7, 1961` (no leading zero, English month: the clinic's screens are in English)."""
    return "" if value is None else long_date(value)


def parse_typed_date(text: str, today: date, *, birth_date: bool = False) -> date | None:
    """What was typed as a date, or None when it is not one. For a birth date a two-digit year
    is the latest one not in the future (61 -> 1961); otherwise 20yy."""
    return parse_date(text, today if birth_date else FAR_FUTURE)


class DateField(QLineEdit):
    """A line edit for one date. `value()` is None when empty or not understood."""

    sig_date_changed = Signal()

    def __init__(
        self, today: date, *, birth_date: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._birth_date = birth_date
        self.setPlaceholderText("MM/DD/YYYY")
        self.setToolTip("Type 03/07/1961, 3/7/61 or 1961-03-07")
        self.setMaxLength(20)
        self.editingFinished.connect(self._tidy)
        self.textChanged.connect(self.sig_date_changed)

    def value(self) -> date | None:
        return parse_typed_date(self.text(), self._today, birth_date=self._birth_date)

    def set_value(self, value: date | None) -> None:
        self.setText(format_date(value))

    def problem(self) -> str | None:
        """A message when something was typed that is not a date."""
        if self.text().strip() and self.value() is None:
            return "This is not a date: type it as MM/DD/YYYY, e.g. 03/07/1961."
        return None

    def _tidy(self) -> None:
        value = self.value()
        if value is not None:
            self.setText(format_date(value))
