"""The installed wheel, not only the checkout, finds its migrations and resources."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys, pathlib, tempfile
import ptdesk
from ptdesk.storage.bundled import migrations_dir, resources_dir
from ptdesk.storage.engine import create_engine_for
from ptdesk.storage.migrate import head_revision, upgrade_to_head
assert "site" in ptdesk.__file__, ptdesk.__file__
assert (migrations_dir() / "env.py").exists()
assert resources_dir().is_dir()
engine = create_engine_for("sqlite:///" + str(pathlib.Path(tempfile.mkdtemp()) / "x.db"))
print("revision", upgrade_to_head(engine).to_revision == head_revision())
"""


@pytest.mark.slow
def test_wheel_carries_migrations_and_resources(tmp_path: Path) -> None:
    # `uv run` tells its children where uv is; otherwise look on PATH.
    uv_exe = os.environ.get("UV") or shutil.which("uv")
    if uv_exe is None:
        pytest.fail("uv is needed to build the wheel (the README's commands install it)")
    uv = [uv_exe]
    build = subprocess.run(
        [*uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("ptdesk-*.whl"))
    site = tmp_path / "site"
    subprocess.run(
        [*uv, "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    assert "revision True" in probe.stdout
