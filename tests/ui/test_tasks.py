"""The task runner: a keyed task superseded while still queued is dropped, not run."""

import threading

from pytestqt.qtbot import QtBot

from ptdesk.ui.tasks import TaskRunner


def test_a_superseded_search_is_not_run(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gate = threading.Event()
    ran: list[str] = []
    shown: list[str] = []

    def search(text: str) -> str:
        ran.append(text)
        return text.upper()

    # The worker is busy (a save, say) while the desk types three keystrokes.
    runner.submit(gate.wait, 10, on_done=lambda _r: None)
    for text in ("a", "ab", "abc"):
        runner.submit(search, text, on_done=shown.append, key="lookup")
    gate.set()
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert ran == ["abc"]
    assert shown == ["ABC"]
    assert runner.skipped == 2
    # A later keystroke runs as usual, and unkeyed tasks are never dropped.
    runner.submit(search, "abcd", on_done=shown.append, key="lookup")
    runner.submit(search, "save", on_done=shown.append)
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert shown == ["ABC", "ABCD", "SAVE"]
    runner.shutdown()


def test_a_failing_superseded_task_reports_nothing(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gate = threading.Event()
    errors: list[BaseException] = []
    shown: list[int] = []

    def broken() -> int:
        raise RuntimeError("stale")

    runner.submit(gate.wait, 10, on_done=lambda _r: None)
    runner.submit(broken, on_done=shown.append, on_error=errors.append, key="k")
    runner.submit(lambda: 7, on_done=shown.append, on_error=errors.append, key="k")
    gate.set()
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert shown == [7]
    assert errors == []
    runner.shutdown()


def test_cancel_drops_a_queued_task_and_ignores_a_running_one(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gate = threading.Event()
    started = threading.Event()
    ran: list[str] = []
    shown: list[str] = []

    def chips(text: str) -> str:
        ran.append(text)
        started.set()
        gate.wait(10)
        return text

    runner.submit(chips, "running", on_done=shown.append, key="chips")
    started.wait(10)
    runner.submit(chips, "queued", on_done=shown.append, key="chips")
    runner.cancel("chips")  # the next keystroke: these chips' page is being replaced
    gate.set()
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert ran == ["running"]  # the queued one never ran
    assert shown == []  # the running one's answer was not shown
    runner.submit(chips, "next", on_done=shown.append, key="chips")
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert shown == ["next"]
    runner.shutdown()
