"""Look and feel in one place: fonts, spacing, the accent colour and the status colours.

The four status colours differ in lightness as well as hue (dark red, mid green, light amber,
white/grey), so they stay apart in greyscale and for red-green colour blindness; the icon shape
and the words carry the meaning as well (UI.md).
"""

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#1f5f99"  # the one accent colour besides the status colours
TEXT = "#1d2330"
MUTED = "#5b6475"
SURFACE = "#f5f7fa"
BORDER = "#d5dae2"

# Status colours: fill of the icon, the glyph drawn on it, and the chip's pale background.
# Lightness (luma) differs step by step: Red 66 < Green 117 < Yellow 194 < None (white with a
# dark ring) < Not tracked (pale grey), so greyscale and red-green colour blindness keep them
# apart; the icon shape and the words carry the meaning as well.
STATUS_FILL = {
    "red": "#a3191b",
    "none": "#ffffff",
    "yellow": "#f3c33c",
    "green": "#2f9e58",
    "not_tracked": "#e4e7ec",
}
STATUS_INK = {  # the glyph on the fill, and the ring of the hollow shapes
    "red": "#ffffff",
    "none": "#2b3140",
    "yellow": "#2b2100",
    "green": "#ffffff",
    "not_tracked": "#5b6475",
}
STATUS_TINT = {  # a pale wash behind a chip's words; the words stay dark
    "red": "#f9e0e0",
    "none": "#eceef3",
    "yellow": "#fdf3d2",
    "green": "#e2f3e8",
    "not_tracked": "#f3f4f6",
}

ROW_HEIGHT = 30  # generous: read at a glance between phone calls

DATE_FORMAT_QT = "MMM d, yyyy"  # on screen; files use ISO


STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: white; }}
QListWidget#nav {{
    background: {SURFACE}; border: none; border-right: 1px solid {BORDER};
    font-size: 11pt; outline: 0;
}}
QListWidget#nav::item {{ padding: 10px 14px; color: {TEXT}; }}
QListWidget#nav::item:selected {{ background: {ACCENT}; color: white; }}
QLineEdit, QDateEdit, QComboBox, QSpinBox, QDoubleSpinBox, QPlainTextEdit {{
    padding: 4px 6px; border: 1px solid {BORDER}; border-radius: 3px; min-height: 22px;
}}
QLineEdit:focus, QDateEdit:focus, QComboBox:focus, QSpinBox:focus {{
    border: 2px solid {ACCENT};
}}
QLineEdit#searchBox {{ font-size: 13pt; padding: 6px 10px; }}
QTableView {{
    gridline-color: #eceff3; selection-background-color: #d6e6f5; selection-color: {TEXT};
    alternate-background-color: #fafbfc;
}}
QHeaderView::section {{
    background: {SURFACE}; border: none; border-bottom: 1px solid {BORDER};
    padding: 6px; font-weight: 600; color: {TEXT};
}}
QLabel[role="error"] {{ color: #9f1d20; }}
QLabel[role="hint"] {{ color: {MUTED}; }}
QLabel[role="title"] {{ font-size: 15pt; font-weight: 600; color: {TEXT}; }}
QPushButton {{
    padding: 5px 12px; border: 1px solid #b3bac6; border-radius: 3px; background: #f7f8fa;
    color: {TEXT};
}}
QPushButton:hover {{ background: #eef1f5; }}
QPushButton:pressed {{ background: #e1e6ed; }}
QPushButton:disabled {{ color: #9aa1ad; border-color: {BORDER}; background: #fafbfc; }}
QPushButton[primary="true"] {{
    background: {ACCENT}; color: white; border: 1px solid {ACCENT}; border-radius: 3px;
}}
QPushButton:focus {{ border: 2px solid {ACCENT}; padding: 4px 11px; }}
QPushButton[primary="true"]:focus {{ border: 2px solid #0d3559; }}
QPushButton[primary="true"]:disabled {{
    background: #a9bdd1; border-color: #a9bdd1; color: #f4f6f9;
}}
"""


def light_palette() -> QPalette:
    """Light colours for every role, whatever the desktop's scheme: a dark desktop would
    otherwise hand Fusion light text that lands on the white page backgrounds set above."""
    p = QPalette()
    R = QPalette.ColorRole
    for role, value in (
        (R.Window, "#ffffff"), (R.WindowText, TEXT), (R.Base, "#ffffff"),
        (R.AlternateBase, "#fafbfc"), (R.Text, TEXT), (R.Button, "#f7f8fa"),
        (R.ButtonText, TEXT), (R.BrightText, "#ffffff"), (R.Highlight, ACCENT),
        (R.HighlightedText, "#ffffff"), (R.ToolTipBase, "#fffbe6"), (R.ToolTipText, TEXT),
        (R.PlaceholderText, MUTED), (R.Link, ACCENT), (R.LinkVisited, "#5a3d8a"),
        (R.Light, "#ffffff"), (R.Midlight, "#eef1f5"), (R.Mid, "#b3bac6"),
        (R.Dark, "#8a93a3"), (R.Shadow, "#5b6475"),
    ):
        p.setColor(role, QColor(value))
    G = QPalette.ColorGroup.Disabled
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(G, role, QColor("#9aa1ad"))
    return p


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setPalette(light_palette())
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)


def tabular_font(base: QFont) -> QFont:
    """Digits of equal width, so numbers in columns line up."""
    f = QFont(base)
    f.setFeature(QFont.Tag("tnum"), 1)
    return f


def color(hex_value: str) -> QColor:
    return QColor(hex_value)
