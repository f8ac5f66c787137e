"""The demo clinic holds an account locked after too many wrong passwords, so the Users page
of the window built as `ptdesk --demo` builds it shows the locked state and unlocks it."""

from pytestqt.qtbot import QtBot

from ptdesk.demo.accounts import LOCKED_USER
from tests.ui.conftest import Desk


def test_the_demo_shows_a_locked_account_and_unlocks_it(
        qtbot: QtBot, desk: Desk) -> None:
    page = desk.window.show_page("users")
    rows = [page.list.item(i) for i in range(page.list.count())]  # type: ignore[attr-defined]
    locked = next(r for r in rows if r.text().startswith(LOCKED_USER))
    assert "LOCKED until" in locked.text()
    page.list.setCurrentItem(locked)  # type: ignore[attr-defined]
    assert page.unlock_button.isEnabled()  # type: ignore[attr-defined]
    page.unlock_button.click()  # type: ignore[attr-defined]

    def opened() -> bool:
        items = [page.list.item(i) for i in range(page.list.count())]  # type: ignore[attr-defined]
        return any(r.text().startswith(LOCKED_USER) and "LOCKED" not in r.text() for r in items)

    qtbot.waitUntil(opened, timeout=10000)
    assert not page.unlock_button.isEnabled()  # type: ignore[attr-defined]
