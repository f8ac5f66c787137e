"""What the window remembers between runs (QSettings): its size and place, the last page,
and each built page's splitter positions and column widths.

Views are keyed by object name when they have one, else by their order among the page's
views of that kind (the same page builds the same views in the same order)."""

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QTableView, QWidget


def _views(root: QWidget) -> list[tuple[str, QSplitter | QTableView]]:
    out: list[tuple[str, QSplitter | QTableView]] = []
    for i, sp in enumerate(root.findChildren(QSplitter)):
        out.append((sp.objectName() or f"splitter{i}", sp))
    for i, tv in enumerate(root.findChildren(QTableView)):
        out.append((tv.objectName() or f"table{i}", tv))
    return out


def save_views(root: QWidget, settings: QSettings, prefix: str) -> None:
    for name, w in _views(root):
        if isinstance(w, QSplitter):
            settings.setValue(f"{prefix}/{name}/splitter", w.saveState())
        else:
            settings.setValue(f"{prefix}/{name}/columns", w.horizontalHeader().saveState())


def restore_views(root: QWidget, settings: QSettings, prefix: str) -> None:
    for name, w in _views(root):
        kind = "splitter" if isinstance(w, QSplitter) else "columns"
        key = f"{prefix}/{name}/{kind}"
        state = settings.value(key)
        if not isinstance(state, QByteArray | bytes) or not state:
            continue
        if isinstance(w, QSplitter):
            w.restoreState(QByteArray(state))
        else:
            w.horizontalHeader().restoreState(QByteArray(state))
