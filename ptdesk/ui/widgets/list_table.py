"""The read-only list every page shows (work list, visits, coverages, estimates due): whole rows
selected one at a time, nothing edited in place, alternating rows without a grid, Tab moving on
to the next widget, no row numbers, calm row height, and Ctrl+Shift+C copying it as CSV."""

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ptdesk.ui.theme import ROW_HEIGHT
from ptdesk.ui.widgets.table_export import install_csv_export

PADDED = "QTableView::item { padding-left: 8px; padding-right: 8px; }"


def list_table(model: QAbstractItemModel, name: str, *, export: str | None = None,
               row_height: int = ROW_HEIGHT, fit_columns: bool = True,
               stretch_last: bool = True, padded: bool = False) -> QTableView:
    """`name` is read out by screen readers (and names the CSV file unless `export` does);
    `fit_columns`: each column as wide as its words (the last takes what is left when
    `stretch_last`); `padded`: room either side of each cell's words."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(row_height)
    if fit_columns:
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    if padded:
        view.setStyleSheet(PADDED)
    install_csv_export(view, export or name)
    return view
