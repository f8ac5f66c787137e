"""The session form's lines table: one row per code, Tab through the cells that take input
(a code completer on the code column), Enter adds a row and Delete removes one."""

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCompleter,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ptdesk.ui.session.session_lines_model import (
    COL_ASSIST,
    COL_CODE,
    COL_DESC,
    COL_MINUTES,
    COL_MODS,
    COL_UNITS,
    SessionLinesModel,
)
from ptdesk.ui.theme import BORDER, ROW_HEIGHT

_Index = QModelIndex | QPersistentModelIndex
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _plain_enter(event: QKeyEvent) -> bool:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return event.key() in _ENTER and mods == Qt.KeyboardModifier.NoModifier


class LineDelegate(QStyledItemDelegate):
    """Line edits for the typed cells (a code completer on the code column); Enter inside an
    editor commits the cell and asks for a new row."""

    sig_enter = Signal()

    def __init__(self, codes: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._codes = QStringListModel(codes, self)
        self.editor: QWidget | None = None

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: _Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if index.column() == COL_CODE:
            completer = QCompleter(self._codes, editor)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            editor.setCompleter(completer)
            editor.setMaxLength(10)
        else:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight)
            editor.setMaxLength(6)
        self.editor = editor
        editor.destroyed.connect(self._forget)
        return editor

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def _forget(self) -> None:
        self.editor = None

    def commit_open_editor(self) -> None:
        """Write the cell being edited to the model (before saving)."""
        editor = self.editor
        if editor is not None and editor.isVisible():
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and _plain_enter(event) and isinstance(watched, QLineEdit)):
            popup = watched.completer().popup() if watched.completer() else None
            if popup is not None and popup.isVisible():
                return super().eventFilter(watched, event)
            self.commitData.emit(watched)
            self.closeEditor.emit(watched, QAbstractItemDelegate.EndEditHint.NoHint)
            self.sig_enter.emit()
            return True
        return super().eventFilter(watched, event)


class SessionTable(QTableView):
    """Tab and Shift+Tab visit only the cells that take input; Enter and Delete are row keys."""

    sig_enter = Signal()
    sig_delete = Signal()

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        nxt = QAbstractItemView.CursorAction.MoveNext
        prev = QAbstractItemView.CursorAction.MovePrevious
        if action not in (nxt, prev):
            return super().moveCursor(action, modifiers)
        model = self.model()
        cols, rows = model.columnCount(), model.rowCount()
        cur = self.currentIndex()
        pos = cur.row() * cols + cur.column() if cur.isValid() else -1
        step = 1 if action == nxt else -1
        pos += step
        while 0 <= pos < rows * cols:
            idx = model.index(pos // cols, pos % cols)
            if model.flags(idx) & Qt.ItemFlag.ItemIsEditable:
                return idx
            pos += step
        return QModelIndex()  # leave the table (focus moves to the next widget)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() != QAbstractItemView.State.EditingState:
            if _plain_enter(event):
                self.sig_enter.emit()
                return
            if event.key() == Qt.Key.Key_Delete and not event.modifiers():
                self.sig_delete.emit()
                return
        super().keyPressEvent(event)


def lines_table(model: SessionLinesModel, codes: list[str]) -> tuple[SessionTable, LineDelegate]:
    """The table of the form's lines, with its editors, sized for the codes' columns."""
    table = SessionTable()
    table.setObjectName("sessionLines")
    table.setAccessibleName("Service lines")
    table.setModel(model)
    delegate = LineDelegate(codes, table)
    table.setItemDelegate(delegate)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    triggers = QAbstractItemView.EditTrigger
    table.setEditTriggers(triggers.CurrentChanged | triggers.DoubleClicked
                               | triggers.EditKeyPressed | triggers.AnyKeyPressed)
    table.setTabKeyNavigation(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setStyleSheet(f"QTableView#sessionLines {{ border: 1px solid {BORDER}; }}")
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT + 2)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(COL_DESC, QHeaderView.ResizeMode.Stretch)
    for col, width in ((COL_CODE, 80), (COL_MINUTES, 72), (COL_ASSIST, 104),
                       (COL_UNITS, 52), (COL_MODS, 100)):
        table.setColumnWidth(col, width)

    return table, delegate
