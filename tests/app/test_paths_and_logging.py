import logging
from pathlib import Path

import pytest

from ptdesk.app.logging_setup import RedactingFilter, configure_logging
from ptdesk.app.paths import app_paths, resolve_data_dir


def test_cli_beats_environment_beats_platform(tmp_path: Path) -> None:
    env = {"PTDESK_DATA_DIR": str(tmp_path / "from-env")}
    assert resolve_data_dir(str(tmp_path / "cli"), env) == tmp_path / "cli"
    assert resolve_data_dir(None, env) == tmp_path / "from-env"
    platform_dir = resolve_data_dir(None, {})
    assert platform_dir.name == "ptdesk"


def test_demo_clinic_is_a_separate_database(tmp_path: Path) -> None:
    real = app_paths(str(tmp_path), demo=False)
    demo = app_paths(str(tmp_path), demo=True)
    assert real.database_file != demo.database_file
    assert demo.database_file.parent == tmp_path / "demo"
    assert real.logs_dir == demo.logs_dir == tmp_path / "logs"


@pytest.mark.parametrize(
    ("message", "leaked"),
    [
        ("opened patient born 03/07/1961", "03/07/1961"),
        ("dob 1961-03-07 checked", "1961-03-07"),
        ("member 123456789 looked up", "123456789"),
    ],
)
def test_log_filter_masks_dates_and_long_numbers(message: str, leaked: str) -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, None, None)
    RedactingFilter().filter(record)
    assert leaked not in record.getMessage()


def test_log_file_rotates_under_data_dir(tmp_path: Path) -> None:
    log_file = configure_logging(tmp_path / "logs")
    logging.getLogger("ptdesk.test").info("visit %s saved for %s", 42, "1961-03-07")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text()
    assert "visit 42 saved" in text
    assert "1961-03-07" not in text
