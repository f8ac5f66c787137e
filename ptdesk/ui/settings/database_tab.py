"""Settings > Database: the encryption of this computer's database file above, which database
this computer opens below (ui/settings/encryption_section.py, connection_section.py)."""

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from ptdesk.ui.settings.connection_section import ConnectionSection
from ptdesk.ui.settings.encryption_section import EncryptionSection


class DatabaseTab(QScrollArea):
    def __init__(self, encryption: EncryptionSection, connection: ConnectionSection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.encryption = encryption
        self.connection = connection
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(encryption)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #d5dae2;")
        layout.addSpacing(6)
        layout.addWidget(line)
        layout.addSpacing(6)
        layout.addWidget(connection)
        layout.addStretch(1)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
