"""Where the files that ship with ptdesk live: rule tables and migrations.

They sit at the top of the repository (`resources/`, `db_migrations/`); an installed wheel
carries them inside the package (`ptdesk/_bundled/`, see pyproject), and a PyInstaller bundle
unpacks them under `sys._MEIPASS`. Every caller asks here, so the three forms behave alike.
"""

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _candidates(name: str) -> list[Path]:
    found = [_PACKAGE_DIR / "_bundled" / name, _PACKAGE_DIR.parent / name]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        found.insert(0, Path(frozen_root) / name)
    return found


@cache
def _locate(name: str) -> Path:
    for path in _candidates(name):
        if path.is_dir():
            return path
    tried = ", ".join(str(p) for p in _candidates(name))
    raise FileNotFoundError(
        f"ptdesk is incomplete: its {name} folder is missing (looked in {tried})"
    )


def resources_dir() -> Path:
    return _locate("resources")


def migrations_dir() -> Path:
    return _locate("db_migrations")


def rules_dir() -> Path:
    """The bundled rule tables (`resources/rules/`). Here, not in `rule_tables`, so a reader of
    one CSV (the status bands' defaults at start-up) does not import the billing engine."""
    return resources_dir() / "rules"
