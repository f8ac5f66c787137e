"""What the session form shows beside its lines, worked out on every edit: the totals, the
other unit method's count, the choice of which tied code gets the extra unit, why these units,
and the findings with their "why"."""

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
)

from ptdesk.services.visits.session_dtos import SessionPreview
from ptdesk.ui.theme import ACCENT, BORDER, MUTED, SURFACE


class PreviewPanels(QDialog):
    """The session form's preview widgets and how a preview fills them."""

    preview: SessionPreview | None
    _tie_preference: tuple[str, ...]
    _dirty: bool

    def recompute(self) -> None:
        raise NotImplementedError

    def _build_panels(self) -> tuple[QLabel, QVBoxLayout]:
        """The widgets under the lines (their heading "Why these units?" is returned) and the
        findings column."""
        self.totals = QLabel()
        self.totals.setObjectName("sessionTotals")
        self.totals.setAccessibleName("Totals")
        self.totals.setStyleSheet("font-size: 12pt;")
        self.other_method = QLabel()
        self.other_method.setProperty("role", "hint")

        self.tie_box = QFrame()
        self.tie_box.setObjectName("tieBox")
        self.tie_box.setStyleSheet(
            f"QFrame#tieBox {{ background: {SURFACE}; border: 1px solid {BORDER};"
            f" border-left: 4px solid {ACCENT}; border-radius: 3px; }}")
        self.tie_label = QLabel()
        self.tie_label.setWordWrap(True)
        self.tie_combo = QComboBox()
        self.tie_combo.setAccessibleName("Code that gets the extra unit")
        tie_prompt = QLabel("E&xtra unit to:")
        tie_prompt.setBuddy(self.tie_combo)
        tie_layout = QHBoxLayout(self.tie_box)
        tie_layout.setContentsMargins(10, 6, 10, 6)
        tie_layout.addWidget(self.tie_label, 1)
        tie_layout.addWidget(tie_prompt)
        tie_layout.addWidget(self.tie_combo)
        self.tie_box.hide()

        why_title = QLabel("Why these units?")
        why_title.setStyleSheet("font-weight: 600;")
        self.explanation = QLabel()
        self.explanation.setObjectName("explanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        findings_title = QLabel("Findings")
        findings_title.setStyleSheet("font-weight: 600;")
        self.findings_view = QTextBrowser()
        self.findings_view.setObjectName("findings")
        self.findings_view.setAccessibleName("Findings, with why")
        self.findings_view.setOpenLinks(False)
        self.findings_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        right = QVBoxLayout()
        right.addWidget(findings_title)
        right.addWidget(self.findings_view, 1)

        return why_title, right

    def _tie_chosen(self, i: int) -> None:
        code = self.tie_combo.itemData(i)
        if isinstance(code, str) and (not self.preview or self.preview.tie_winners[:1] != (code,)):
            self._tie_preference = (code,)
            self._dirty = True
            self.recompute()

    def choose_extra_unit(self, code: str) -> None:
        """What picking `code` in the "Extra unit to" list does (for the keyboard and tests)."""
        i = self.tie_combo.findData(code)
        if i >= 0:
            self.tie_combo.setCurrentIndex(i)
            self._tie_chosen(i)

    def _show_preview(self, p: SessionPreview) -> None:
        self.totals.setText(
            f"Total timed minutes: <b>{p.total_timed_minutes}</b>"
            f"&nbsp;&nbsp;&nbsp;&nbsp;Total units: <b>{p.total_units}</b>")
        if p.other_differs and p.lines:
            self.other_method.setText(f"{p.other_method_label} would give "
                                      f"{p.other_method_units} timed units.")
            self.other_method.show()
        else:
            self.other_method.hide()
        self.explanation.setText(p.explanation if p.lines else "Enter minutes for each code.")
        if p.ties:
            self.tie_label.setText(
                f"{' and '.join(p.ties)} have equal remaining minutes. CMS lets the therapist "
                "choose which gets the extra unit.")
            self.tie_combo.blockSignals(True)
            self.tie_combo.clear()
            for code in p.ties:
                self.tie_combo.addItem(code, code)
            self.tie_combo.setCurrentIndex(max(0, self.tie_combo.findData(p.tie_winners[0])
                                               if p.tie_winners else 0))
            self.tie_combo.blockSignals(False)
            self.tie_box.show()
        else:
            self.tie_box.hide()
        self.findings_view.setHtml(findings_html(p))


def findings_html(p: SessionPreview) -> str:
    if not p.lines:
        return f"<p style='color:{MUTED}'>Findings appear here as you type.</p>"
    if not p.findings:
        return (f"<p><b>✓ No findings.</b></p><p style='color:{MUTED}'>Units, modifiers, "
                "per-day limits, code pairs and the authorization were checked.</p>")
    parts = []
    for f in sorted(p.findings, key=lambda f: (not f.is_error, f.row if f.row is not None else -1)):
        mark = ("<span style='color:#9f1d20'>⬣ Error</span>" if f.is_error
                else "<span style='color:#7a5200'>▲ Warning</span>")
        line = f" · line {f.row + 1}" if f.row is not None else ""
        code = f" · {escape(f.code)}" if f.code else ""
        version = f" · table {escape(f.table_version)}" if f.table_version else ""
        parts.append(
            f"<p style='margin-bottom:2px'><b>{mark}</b>{code}{line}<br>{escape(f.message)}</p>"
            f"<p style='color:{MUTED}; margin-top:0'>Why: {escape(f.source)}{version} "
            f"(rule {escape(f.rule)})</p>")
    return "".join(parts)

