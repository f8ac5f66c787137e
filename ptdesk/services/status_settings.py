"""Status bands and renewal timing for the clinic and per payer (defaults from
resources/rules/status_defaults.csv, with their sources)."""

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.authorization_dtos import BandDefaultView, BandSettingsDraft, BandSettingsView


class StatusSettingsService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def defaults(self) -> tuple[BandDefaultView, ...]:
        raise NotImplementedError

    def clinic(self) -> BandSettingsView:
        raise NotImplementedError

    def for_payer(self, payer_id: int) -> BandSettingsView:
        raise NotImplementedError

    def all(self) -> tuple[BandSettingsView, ...]:
        """The clinic's row, then every active payer's (own or inherited)."""
        raise NotImplementedError

    def save_clinic(self, draft: BandSettingsDraft) -> BandSettingsView:
        raise NotImplementedError

    def save_payer(self, payer_id: int, draft: BandSettingsDraft) -> BandSettingsView:
        raise NotImplementedError

    def reset_payer(self, payer_id: int) -> BandSettingsView:
        """Drop the payer's own row: it inherits the clinic's settings again."""
        raise NotImplementedError
