"""The lookup half of `PatientService`: search-as-you-type, through the keys in memory
(`lookup_index`) once the page has had them loaded, through SQL until then."""

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import require
from ptdesk.services.patients.dtos import PatientSearchResult
from ptdesk.services.patients.lookup_index import LookupIndex
from ptdesk.services.patients.search import search_patients
from ptdesk.storage.engine import session_scope

# A day for the search that compiles the page's statement (its rows are thrown away).
_ANY_DAY = date(2000, 1, 1)


class PatientLookup:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._index = LookupIndex()

    def search(self, text: str, today: date, limit: int = 100) -> PatientSearchResult:
        """Patients matching what was typed, by name order; `more` if over `limit` matched."""
        require(Permission.VIEW_PATIENTS)
        with session_scope(self._factory) as s:
            return search_patients(s, text, today, limit, self._index)

    def prepare_lookup(self) -> bool:
        """Load the next part of the lookup's keys into memory (~25 ms each, ~0.7 s in all for
        100,000 patients); True once all are in and in use. The last part also runs one
        search, so the first keystroke does not pay for compiling the page's statement."""
        require(Permission.VIEW_PATIENTS)
        with session_scope(self._factory) as s:
            if self._index.loaded or not self._index.load_part(s):
                return self._index.loaded
            search_patients(s, "a", _ANY_DAY, 100, self._index)
            return True
