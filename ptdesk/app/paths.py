"""The one owner of ptdesk's paths: `--data-dir` > PTDESK_DATA_DIR > the platform's data dir."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "ptdesk"
ENV_DATA_DIR = "PTDESK_DATA_DIR"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    demo: bool

    @property
    def root(self) -> Path:
        """The folder this clinic's files live in (the demo clinic has its own)."""
        return self.data_dir / "demo" if self.demo else self.data_dir

    @property
    def database_file(self) -> Path:
        return self.root / ("ptdesk-demo.sqlite3" if self.demo else "ptdesk.sqlite3")

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"


def resolve_data_dir(cli_value: str | None, environ: Mapping[str, str] = os.environ) -> Path:
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    if environ.get(ENV_DATA_DIR):
        return Path(environ[ENV_DATA_DIR]).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def app_paths(
    cli_value: str | None, *, demo: bool, environ: Mapping[str, str] = os.environ
) -> AppPaths:
    return AppPaths(resolve_data_dir(cli_value, environ), demo)
