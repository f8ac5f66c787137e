"""The recovery key, shown once right after encryption is turned on: large, selectable, with
Copy and Print, and closed only once the manager says it is kept somewhere safe."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.ui.theme import MUTED


class RecoveryKeyDialog(QDialog):
    def __init__(self, recovery_key: str, db_label: str, parent: QWidget | None = None,
                 *, note: str = "") -> None:
        super().__init__(parent)
        self.recovery_key = recovery_key
        self._db_label = db_label
        self.setWindowTitle("Recovery key")
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        heading = QLabel("The database is encrypted. Keep this recovery key safe.")
        heading.setStyleSheet("font-size: 17px; font-weight: 600;")
        heading.setWordWrap(True)
        intro = QLabel("It opens the database and every backup of it if the passphrase is "
                       "forgotten or the key file is lost, on this computer or another one. "
                       "ptdesk shows it only now and keeps no copy in words: print it or "
                       "write it down, and keep it locked away from this computer (not in a "
                       "file on it)." + (f"\n\n{note}" if note else ""))
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {MUTED};")
        # a dialog does not ask a word-wrapped label for its height at the dialog's width
        intro.setMinimumHeight(intro.heightForWidth(self.minimumWidth() - 24))
        self.key_label = QLabel(_two_lines(recovery_key))
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(16)
        mono.setWeight(QFont.Weight.DemiBold)
        self.key_label.setFont(mono)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet("background: #ffffff; border: 1px solid #d5dae2; "
                                     "padding: 14px;")
        self.key_label.setAccessibleName("Recovery key")
        copy = QPushButton("&Copy")
        copy.clicked.connect(self._copy)
        print_button = QPushButton("&Print…")
        print_button.clicked.connect(self._print)
        row = QHBoxLayout()
        row.addWidget(copy)
        row.addWidget(print_button)
        row.addStretch(1)
        self.kept = QCheckBox("I have &printed or written down the recovery key and will keep "
                              "it away from this computer")
        self.done_button = QPushButton("Done")
        self.done_button.setProperty("primary", True)
        self.done_button.setEnabled(False)
        self.kept.toggled.connect(self.done_button.setEnabled)
        self.done_button.clicked.connect(self.accept)
        self.status = QLabel("")
        self.status.setProperty("role", "hint")
        end = QHBoxLayout()
        end.addWidget(self.status, 1)
        end.addWidget(self.done_button)
        for w in (heading, intro, self.key_label):
            layout.addWidget(w)
        layout.addLayout(row)
        layout.addSpacing(6)
        layout.addWidget(self.kept)
        layout.addLayout(end)

    def reject(self) -> None:
        """Esc or the window's close button: not before the key is kept."""
        if self.kept.isChecked():
            super().reject()
        else:
            self.status.setText("Tick the box once the key is printed or written down.")

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.recovery_key)
        self.status.setText("Copied. Paste it where it will be printed, then clear it there.")

    def _print(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        doc = QTextDocument()
        doc.setHtml(recovery_sheet_html(self.recovery_key, self._db_label))
        doc.print_(printer)
        self.status.setText("Sent to the printer.")


def _two_lines(key: str) -> str:
    groups = key.split("-")
    return "-".join(groups[:7]) + "-\n" + "-".join(groups[7:])


def recovery_sheet_html(key: str, db_label: str) -> str:
    from html import escape

    return (f"<h2>ptdesk recovery key</h2><p>Database: {escape(db_label)}</p>"
            f"<p style='font-family: monospace; font-size: 18pt'>{escape(_two_lines(key))}"
            "</p><p>Type it where ptdesk asks for the passphrase. It opens this database and "
            "every backup of it. Keep this sheet locked away from the computer.</p>"
            ).replace("\n", "<br>")
