"""A command whose reader goes away (`ptdesk board | head`) ends quietly, as a Unix filter
does, instead of "an unexpected error" and a traceback in the log."""

import argparse
import subprocess
import sys

import pytest

from ptdesk.app.main import run_command


def _closed_reader(_args: argparse.Namespace) -> int:
    raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_ends_quietly(capsys: pytest.CaptureFixture[str],
                                    caplog: pytest.LogCaptureFixture) -> None:
    code = run_command(_closed_reader, argparse.Namespace(command="board"))
    assert code == 141
    assert capsys.readouterr().err == ""
    assert "failed" not in caplog.text


def test_the_real_command_into_head(tmp_path: object) -> None:
    """`ptdesk rules list` read by a reader that stops at once: no message on stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "ptdesk", "--data-dir", str(tmp_path),
                             "rules", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before the first line
    _out, err = proc.communicate(timeout=120)
    assert b"unexpected" not in err
    assert proc.returncode in (0, 141)
