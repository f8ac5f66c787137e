"""The one way screens run database work off the GUI thread (docs/architecture.md §3.5).

A single worker thread serialises all database work (sessions are not thread-safe, and SQLite
prefers one writer); results come back to the GUI thread through a queued Qt signal. Work
functions receive plain arguments and return plain frozen dataclasses; they never touch widgets.
A task submitted with a `key` supersedes older ones with the same key: one still queued when a
newer one arrives is dropped without running (a search superseded by the next keystroke costs
nothing), and one already running has its answer ignored; `cancel(key)` does the same without
a newer task (the lookup drops the status chips of a page the next keystroke replaces).
Search-as-you-type only ever runs and shows the latest keystroke's search.
"""

import itertools
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class _Superseded(Exception):
    """A keyed task that a newer one with the same key replaced before it started."""


class TaskRunner(QObject):
    sig_finished = Signal(int, object)  # task id, result
    sig_failed = Signal(int, object)  # task id, exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ptdesk-db")
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callback, ErrorCallback | None, str | None]] = {}
        self._latest: dict[str, int] = {}
        self.skipped = 0  # keyed tasks dropped unrun because a newer one replaced them
        self.sig_finished.connect(self._deliver)
        self.sig_failed.connect(self._fail)

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callback,
        on_error: ErrorCallback | None = None,
        key: str | None = None,
    ) -> int:
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error, key)
        if key is not None:
            self._latest[key] = task_id
            future = self._pool.submit(self._run_latest, key, task_id, fn, args)
        else:
            future = self._pool.submit(fn, *args)
        future.add_done_callback(lambda f: self._relay(task_id, f))
        return task_id

    def _run_latest(
        self, key: str, task_id: int, fn: Callable[..., Any], args: tuple[Any, ...]
    ) -> Any:  # worker thread
        # A plain dict read: the GUI thread replaces the value atomically under the GIL.
        if self._latest.get(key) != task_id:
            self.skipped += 1
            raise _Superseded
        return fn(*args)

    def cancel(self, key: str) -> None:
        """Forget the tasks with this key: a queued one is dropped unrun, a running one's
        answer (or error) ignored."""
        if key in self._latest:
            self._latest[key] = 0  # ids start at 1: no task is the latest any more

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def _relay(self, task_id: int, future: Future[Any]) -> None:  # worker thread
        if future.cancelled():  # shut down before it ran: nobody waits for it any more
            return
        exc = future.exception()
        if exc is None:
            self.sig_finished.emit(task_id, future.result())
        else:
            self.sig_failed.emit(task_id, exc)

    def _superseded(self, task_id: int, key: str | None) -> bool:
        return key is not None and self._latest.get(key) != task_id

    @Slot(int, object)
    def _deliver(self, task_id: int, result: Any) -> None:
        on_done, _on_error, key = self._callbacks.pop(task_id)
        if not self._superseded(task_id, key):
            on_done(result)

    @Slot(int, object)
    def _fail(self, task_id: int, exc: BaseException) -> None:
        _on_done, on_error, key = self._callbacks.pop(task_id)
        if self._superseded(task_id, key):
            return
        if on_error is not None:
            on_error(exc)
        else:
            from ptdesk.ui.error_dialog import report_unexpected

            report_unexpected(type(exc), exc, exc.__traceback__)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
