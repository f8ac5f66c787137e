"""Start-up (issue 3): only the first page is built before the window shows, the rest on first
use; an everyday start imports neither Alembic nor the demo generator nor the later pages; a
first start on an empty folder still creates the demo clinic."""

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import build_main_window
from ptdesk.app.main import main, parse_args
from ptdesk.domain.permissions import Role
from ptdesk.ui.main_window import MainWindow

# --- The window builds a page handed in as a factory when it is first shown.


class _Page(QLabel):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.shut = False

    def shutdown(self) -> None:
        self.shut = True


def test_pages_after_the_first_are_built_when_first_shown(qtbot: QtBot) -> None:
    built: list[str] = []

    def factory(key: str) -> "_Page":
        built.append(key)
        return _Page(key)

    window = MainWindow("file test.sqlite3")
    qtbot.addWidget(window)
    window.add_page("one", "One", lambda: factory("one"))
    window.add_page("two", "Two", lambda: factory("two"))
    plain = _Page("three")
    window.add_page("three", "Three", plain)
    assert built == ["one"]  # the first page is shown at once, so built at once
    assert [window.is_built(k) for k in ("one", "two", "three")] == [True, False, True]
    window.show()

    window.nav.setCurrentRow(1)  # a click in the navigation
    assert built == ["one", "two"]
    assert window.current_page_key() == "two"
    page = window.stack.currentWidget()
    assert isinstance(page, _Page)
    assert page.text() == "two"
    assert window.page("two") is page
    window.show_page("one")
    window.show_page("two")
    assert built == ["one", "two"]  # once only
    assert window.show_page("three") is plain
    assert window.stack.count() == 3
    assert [window.stack.widget(i).text() for i in range(3)] == ["one", "two", "three"]  # type: ignore[attr-defined]


def test_page_asked_for_is_built_without_being_shown(qtbot: QtBot) -> None:
    window = MainWindow("file test.sqlite3")
    qtbot.addWidget(window)
    window.add_page("one", "One", lambda: _Page("one"))
    window.add_page("two", "Two", lambda: _Page("two"))
    page = window.page("two")
    assert isinstance(page, _Page)
    assert window.is_built("two")
    assert window.current_page_key() == "one"
    assert window.stack.indexOf(page) == 1


def test_only_built_pages_are_shut_down(qtbot: QtBot) -> None:
    made: dict[str, _Page] = {}

    def factory(key: str) -> QWidget:
        made[key] = _Page(key)
        return made[key]

    window = MainWindow("file test.sqlite3")
    qtbot.addWidget(window)
    window.add_page("one", "One", lambda: factory("one"))
    window.add_page("two", "Two", lambda: factory("two"))
    window.show()
    window.close()
    assert made["one"].shut
    assert "two" not in made  # closing never builds a page to shut it down


def test_a_factory_that_fails_is_tried_again(qtbot: QtBot) -> None:
    calls = []

    def flaky() -> QWidget:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first time")
        return _Page("two")

    window = MainWindow("file test.sqlite3")
    qtbot.addWidget(window)
    window.add_page("one", "One", _Page("one"))
    window.add_page("two", "Two", flaky)
    with pytest.raises(RuntimeError):
        window.page("two")
    assert not window.is_built("two")
    assert isinstance(window.page("two"), _Page)
    assert len(calls) == 2
    assert window.stack.count() == 2


# --- The real window on a real (empty, migrated) clinic database.


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=False))
    yield context
    context.close()


def test_the_window_builds_only_its_first_page(qtbot: QtBot, ctx: AppContext) -> None:
    window = build_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    first = window.current_page_key()
    assert window.is_built(first)
    others = [k for k in ("today", "patients", "board", "settings") if k != first]
    assert not any(window.is_built(k) for k in others)
    window.close()


def test_ctrl_f_builds_the_patients_page_and_its_search_box_works(
    qtbot: QtBot, ctx: AppContext
) -> None:
    window = build_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    find = next(a for a in window.actions() if a.shortcut().toString() == "Ctrl+F")
    find.trigger()
    assert window.current_page_key() == "patients"
    page = window.page("patients")
    box = page.search_box  # type: ignore[attr-defined]
    assert box.isVisible()
    assert box.isEnabled()
    qtbot.keyClicks(box, "smi")
    assert box.text() == "smi"
    window.close()


def test_services_built_on_first_use_answer_from_a_worker_thread(
    qtbot: QtBot, ctx: AppContext
) -> None:
    """The Today page's change-token service is built on the first poll, on the runner."""
    window = build_main_window(ctx)
    qtbot.addWidget(window)
    today = window.page("today")
    today.poll()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: today._last_token is not None, timeout=10_000)  # type: ignore[attr-defined]
    assert isinstance(today._last_token, int)  # type: ignore[attr-defined]
    for key in ("board", "settings"):
        window.show_page(key)
        assert window.is_built(key)
    window.close()


def test_window_options_are_parsed_without_the_command_modules() -> None:
    code = (
        "import sys, json\n"
        "from ptdesk.app.main import parse_args\n"
        "a = parse_args(['--demo', '--data-dir', 'x', '--smoke-test'])\n"
        "print(json.dumps([a.demo, a.data_dir, a.smoke_test, a.command,"
        " sorted(m for m in sys.modules if m.startswith('ptdesk.app.cli'))]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [True, "x", True, None, []]
    args = parse_args(["--data-dir", "x", "rules", "list"])
    assert args.command == "rules"
    assert callable(args.handler)
    with pytest.raises(SystemExit):
        parse_args(["--no-such-option"])


# --- A whole start in a fresh interpreter: what it imports before the window is usable.

_START = """
import json, sys, threading
# Modules a worker thread imports (the Today page's rows load off the GUI thread, after the
# window shows) are not part of the start-up path; record them so the report leaves them out
# instead of depending on whether the worker was quicker than the first event.
_off_main = set()
class _Watch:
    def find_spec(self, name, path=None, target=None):
        if threading.current_thread() is not threading.main_thread():
            _off_main.add(name)
        return None
sys.meta_path.insert(0, _Watch())
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
_exec = QApplication.exec
def _exec_once(*_args):
    app = QApplication.instance()
    def report():
        window = next(w for w in app.topLevelWidgets() if hasattr(w, "current_page_key"))
        key = window.current_page_key()
        page = window.page(key)
        print(json.dumps({
            "page": key, "usable": window.isVisible() and page.isVisible() and page.isEnabled(),
            "built": [k for k in ("today", "patients", "board", "settings") if window.is_built(k)],
            "modules": sorted(m for m in sys.modules if m not in _off_main),
        }))
        app.quit()
    QTimer.singleShot(0, report)
    return _exec()
QApplication.exec = _exec_once
from ptdesk.ui.accounts.sign_in_dialogs import SignInDialog
def _sign_in(self):  # a person types their name and password (issue 12)
    self.name.setText("Tess Start"); self.password.setText("start-up pw")
    self.try_sign_in()
    return self.result()
SignInDialog.exec = _sign_in
from ptdesk.app.main import main
sys.exit(main(sys.argv[1:]))
"""

# Loaded only when needed: to upgrade the schema, to create the demo, for a later page, for a
# command, or to print.
NOT_AT_START = (
    "alembic",
    "mako",
    "reportlab",
    "ptdesk.demo.clinic",
    "ptdesk.services.board.practice_board",
    "ptdesk.services.visits.session_billing",
    "ptdesk.services.visits.today",  # the day's query: on the worker that loads the day
    "ptdesk.ui.session.session_form",  # the therapist's form, the check-in flow: on first use
    "ptdesk.ui.visits.checkin_flow",
    "ptdesk.domain.billing.engine",
    "ptdesk.ui.patients.patients_page",
    "ptdesk.ui.board.board_page",
    "ptdesk.ui.settings.settings_page",
    "ptdesk.app.cli_audit",
    "ptdesk.app.cli_rules",
)


# A start on the Patients page (the one the window showed last): the record's authorization,
# renewal, booking and estimate services, the estimate dialog and its scenario rows load when
# first used, not before the search box is usable (issue 9 #3).
NOT_WITH_THE_PATIENTS_PAGE = (
    "ptdesk.services.authorizations.changes",
    "ptdesk.services.authorizations.renewals",
    "ptdesk.services.visits.booking",
    "ptdesk.services.estimates.desk",
    "ptdesk.domain.estimate_model",
    "ptdesk.ui.estimates.estimate_dialog",
)


def _start(*args: str, config: Path | None = None) -> dict:  # type: ignore[type-arg]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if config is not None:  # the window's remembered settings (QSettings under XDG)
        env["XDG_CONFIG_HOME"] = str(config)
    out = subprocess.run(
        [sys.executable, "-c", _START, *args], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _loaded(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in NOT_AT_START)]


def test_an_everyday_start_imports_only_what_the_first_page_needs(tmp_path: Path) -> None:
    ctx = open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=False))
    from ptdesk.services.accounts.users import AccountService, NewUser

    AccountService(ctx.session_factory).create_user(
        NewUser("Tess Start", frozenset({Role.FRONT_DESK}), "start-up pw", "start-up pw"))
    ctx.close()
    report = _start("--data-dir", str(tmp_path))
    assert report["usable"]
    assert report["built"] == [report["page"]]
    assert _loaded(report["modules"]) == []


def test_an_existing_demo_clinic_opens_without_the_generator(tmp_path: Path) -> None:
    assert main(["demo", "generate", "--patients", "20", "--data-dir", str(tmp_path)]) == 0
    report = _start("--demo", "--data-dir", str(tmp_path))
    assert report["usable"]
    assert _loaded(report["modules"]) == []


def test_a_start_on_the_patients_page_loads_the_record_services_on_first_use(
    tmp_path: Path,
) -> None:
    assert main(["demo", "generate", "--patients", "20", "--data-dir", str(tmp_path)]) == 0
    (tmp_path / "config" / "ptdesk").mkdir(parents=True)
    (tmp_path / "config" / "ptdesk" / "ptdesk-demo.conf").write_text("[window]\npage=patients\n")
    report = _start("--demo", "--data-dir", str(tmp_path), config=tmp_path / "config")
    assert report["page"] == "patients"
    assert report["usable"]
    assert report["built"] == ["patients"]
    assert [m for m in report["modules"] if m in NOT_WITH_THE_PATIENTS_PAGE] == []
    assert "ptdesk.services.patients.records" in report["modules"]  # the search's own


def test_first_start_on_an_empty_folder_creates_the_demo_clinic(tmp_path: Path) -> None:
    """What CI runs (`ptdesk --demo --data-dir TMP --smoke-test`): migrates, seeds, shows."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-m", "ptdesk", "--demo", "--data-dir", str(tmp_path), "--smoke-test"],
        env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    assert "smoke-test ok offscreen" in out.stdout
    from sqlalchemy import text

    from ptdesk.app.paths import app_paths
    from ptdesk.storage.engine import create_engine_for

    engine = create_engine_for(f"sqlite:///{app_paths(str(tmp_path), demo=True).database_file}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM patients")).scalar_one() > 100
    finally:
        engine.dispose()


def test_the_remembered_page_is_the_only_one_built(qtbot: QtBot, tmp_path: Path) -> None:
    built: list[str] = []

    def factory(key: str) -> "_Page":
        built.append(key)
        return _Page(key)

    window = MainWindow("file test.sqlite3", start_page="two")
    qtbot.addWidget(window)
    window.add_page("one", "One", lambda: factory("one"))
    window.add_page("two", "Two", lambda: factory("two"))
    assert built == ["two"]  # the first page is not built for nothing
    assert window.current_page_key() == "two"
    window.restore_state(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert built == ["two"]
    window.show_page("one")
    assert built == ["two", "one"]


def test_a_remembered_page_that_never_comes_leaves_the_first_one(
    qtbot: QtBot, tmp_path: Path
) -> None:
    built: list[str] = []
    window = MainWindow("file test.sqlite3", start_page="audit")  # not a manager any more
    qtbot.addWidget(window)
    window.add_page("one", "One", lambda: built.append("one") or _Page("one"))
    window.add_page("two", "Two", lambda: built.append("two") or _Page("two"))
    assert built == []
    window.restore_state(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert built == ["one"]
    assert window.current_page_key() == "one"
    assert window.stack.currentWidget().text() == "one"  # type: ignore[attr-defined]
    window.add_page("audit", "Audit", lambda: built.append("audit") or _Page("audit"))
    assert window.current_page_key() == "one"  # added after the start: not jumped to
