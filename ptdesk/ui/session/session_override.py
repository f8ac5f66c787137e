"""Complete a visit over the engine's errors (issue 10 item 3): the same reasons, detail and
"By" as a check-in override (`ReasonDialog`); the form then saves the visit with the override,
which is stored with the visit like a check-in override (kind "session")."""

from html import escape

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ptdesk.domain.overrides import OverrideDraft
from ptdesk.domain.words import plural
from ptdesk.services.visits.session_dtos import PreviewFinding
from ptdesk.ui.widgets.reason_dialog import ReasonDialog


def blocking(findings: tuple[PreviewFinding, ...]) -> tuple[PreviewFinding, ...]:
    """The findings that stop "Complete visit": errors (warnings never block)."""
    return tuple(f for f in findings if f.is_error)


def errors_words(findings: tuple[PreviewFinding, ...]) -> str:
    return " ".join(f"{f.code + ': ' if f.code else ''}{f.message}" for f in findings)


class SessionOverrideDialog(ReasonDialog[OverrideDraft]):
    def __init__(self, findings: tuple[PreviewFinding, ...], by: str = "",
                 parent: QWidget | None = None) -> None:
        self.findings = findings
        super().__init__(self._intro(findings), "Complete &anyway", by, parent)
        self.setWindowTitle("Complete the visit over errors")

    @staticmethod
    def _intro(findings: tuple[PreviewFinding, ...]) -> QWidget:
        intro = QWidget()
        box = QVBoxLayout(intro)
        box.setContentsMargins(0, 0, 0, 4)
        n = len(findings)
        head = QLabel(f"<b style='color:#9f1d20'>⬣ {plural(n, 'error')}: the claim "
                      "will probably be denied as entered.</b>")
        box.addWidget(head)
        for f in findings:
            line = QLabel(f"• {escape(f.code + ': ') if f.code else ''}{escape(f.message)}")
            line.setWordWrap(True)
            box.addWidget(line)
        ask = QLabel("Correct the lines if you can. Complete anyway only for one of these "
                     "reasons; it is kept with the visit and printed on its summary.")
        ask.setWordWrap(True)
        ask.setProperty("role", "hint")
        box.addWidget(ask)
        return intro

    def save(self) -> None:
        self.result_value = self.draft()  # nothing stored here: the session form saves it
        self.accept()
