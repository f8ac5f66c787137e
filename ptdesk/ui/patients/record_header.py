"""The patient record's header: name and status chip, identity, contact, and the primary and
secondary coverage in force today, in one framed block."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QWidget

from ptdesk.domain.patient_rules import SEXES
from ptdesk.domain.words import plural
from ptdesk.services.patients.dtos import CoverageInfo, PatientRecord
from ptdesk.ui.theme import BORDER, SURFACE
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.status_chip import StatusChip


def coverage_summary(c: CoverageInfo | None, rank: str) -> str:
    if c is None:
        return f"{rank}: none in force"
    parts = [f"{rank}: {c.payer_name}"]
    if c.member_id:  # self-pay has none: "member" with nothing after reads as missing data
        parts.append(f"member {c.member_id}")
    if c.draft.copay is not None:
        parts.append(f"copay ${c.draft.copay:,.2f}")
    if c.draft.coinsurance_pct is not None:
        parts.append(f"coinsurance {c.draft.coinsurance_pct.normalize():f}%")
    if c.end_date is not None:
        parts.append(f"ends {format_date(c.end_date)}")
    return " · ".join(parts)


class PatientHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_label = QLabel()
        # The large font is set on the label itself, not through a style-sheet property: the
        # layout then sizes the label for the text it really shows (no chip over the name).
        title_font = self.name_label.font()
        title_font.setPointSizeF(15)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.name_label.setFont(title_font)
        self.name_label.setObjectName("patientName")
        self.name_label.setContentsMargins(0, 0, 14, 0)  # room between the name and its chip
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.identity_label = QLabel()
        self.identity_label.setObjectName("patientIdentity")
        self.contact_label = QLabel()
        self.contact_label.setProperty("role", "hint")
        self.contact_label.setWordWrap(True)
        self.primary_label = QLabel()
        self.primary_label.setObjectName("primaryCoverage")
        self.secondary_label = QLabel()
        self.secondary_label.setObjectName("secondaryCoverage")
        self.setObjectName("patientHeader")
        self.setStyleSheet(
            f"#patientHeader {{ background: {SURFACE}; border: 1px solid {BORDER};"
            " border-radius: 4px; }"
        )
        head = QGridLayout(self)
        head.setContentsMargins(14, 10, 14, 10)
        head.setHorizontalSpacing(32)
        self.status_chip = StatusChip(icon=22, bold=True)
        self.status_chip.setObjectName("patientStatus")
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_label)
        name_row.addWidget(self.status_chip)
        name_row.addStretch(1)
        head.addLayout(name_row, 0, 0, 1, 2)
        head.addWidget(self.identity_label, 1, 0)
        head.addWidget(self.contact_label, 2, 0)
        head.addWidget(self.primary_label, 1, 1)
        head.addWidget(self.secondary_label, 2, 1)
        head.setColumnStretch(0, 1)
        head.setColumnStretch(1, 1)

    def show_record(self, record: PatientRecord) -> None:
        p = record.patient
        self.name_label.setText(p.display_name + ("" if p.active else "  (inactive)"))
        self.name_label.setAccessibleName(f"Patient {p.display_name}")
        sex = SEXES.get(p.sex, "")
        identity = [
            f"Born {format_date(p.date_of_birth)} · {plural(record.age, 'year')}",
            f"Chart {p.chart_number}",
        ]
        if sex and p.sex != "U":
            identity.append(sex)
        self.identity_label.setText(" · ".join(identity))
        contact = []
        if p.phone_mobile:
            contact.append(f"Mobile {p.phone_mobile}")
        if p.phone_home:
            contact.append(f"Home {p.phone_home}")
        if p.email:
            contact.append(p.email)
        address = ", ".join(
            x
            for x in (p.address_line1, p.address_line2, p.city, f"{p.state} {p.postal_code}")
            if x.strip()
        )
        if address:
            contact.append(address)
        self.contact_label.setText(" · ".join(contact) or "No phone or address on file")
        self.primary_label.setText(coverage_summary(record.in_force(1), "Primary"))
        self.secondary_label.setText(coverage_summary(record.in_force(2), "Secondary"))
        if record.in_force(1) is None and record.in_force(2) is None:
            self.primary_label.setText("No coverage in force today (self-pay)")
            self.secondary_label.setText("")
