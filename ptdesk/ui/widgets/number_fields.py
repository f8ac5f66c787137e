"""Fields for money, percentages and counts that may be left blank.

Each is a line edit (blank means "not known"), right-aligned with tabular digits. `value()`
returns None when blank; `problem()` says when what was typed is not a number. Range rules
(not negative, at most 100 %) belong to the domain and are shown next to the field by the form.
"""

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from ptdesk.domain.money import round_cents
from ptdesk.ui.theme import tabular_font


class _NumberField(QLineEdit):
    _strip = "$,% "
    _what = "a number"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setFont(tabular_font(self.font()))
        self.setMaxLength(14)
        self.editingFinished.connect(self._tidy)

    def _decimal(self) -> Decimal | None:
        text = "".join(c for c in self.text() if c not in self._strip)
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
        return value if value.is_finite() else None

    def problem(self) -> str | None:
        if self.text().strip() and self._decimal() is None:
            return f"Type {self._what}."
        return None

    def _tidy(self) -> None:
        pass


class MoneyField(_NumberField):
    """Dollars and cents: typed as 1,250 or $1250.5, shown as 1,250.00."""

    _what = "an amount in dollars, e.g. 1,250.00"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("$")

    def value(self) -> Decimal | None:
        value = self._decimal()
        return None if value is None else round_cents(value)

    def set_value(self, value: Decimal | None) -> None:
        self.setText("" if value is None else f"{value:,.2f}")

    def _tidy(self) -> None:
        value = self.value()
        if value is not None:
            self.set_value(value)


class PercentField(_NumberField):
    _what = "a percentage, e.g. 20"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("%")

    def value(self) -> Decimal | None:
        value = self._decimal()
        return None if value is None else round_cents(value)

    def set_value(self, value: Decimal | None) -> None:
        self.setText("" if value is None else f"{value.normalize():f}")


class CountField(_NumberField):
    """A whole number such as a visit limit; blank means none."""

    _strip = ", "
    _what = "a whole number"

    def value(self) -> int | None:
        value = self._decimal()
        if value is None or value != value.to_integral_value():
            return None
        return int(value)

    def problem(self) -> str | None:
        if self.text().strip() and self.value() is None:
            return f"Type {self._what}."
        return None

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else str(value))
