"""Who may do what: the one table of roles and their permissions (HIPAA 164.312(a)(1),
ONC 170.315(d)(1)). Pure: the services ask `allows(roles, permission)` before they write.

A person may hold more than one role (the clinic's owner is often both its office manager
and a treating PT); their permissions are the union.
"""

from collections.abc import Iterable
from enum import StrEnum

from ptdesk.domain.errors import DomainError


class Role(StrEnum):
    FRONT_DESK = "front_desk"
    THERAPIST = "therapist"  # PT or PTA
    BILLER = "biller"
    MANAGER = "manager"  # office manager, the administrator


ROLE_LABELS: dict[Role, str] = {
    Role.FRONT_DESK: "Front desk",
    Role.THERAPIST: "Therapist (PT/PTA)",
    Role.BILLER: "Biller",
    Role.MANAGER: "Office manager",
}


class Permission(StrEnum):
    VIEW_PATIENTS = "view_patients"
    EDIT_PATIENTS = "edit_patients"  # patients, coverages, authorizations, requests
    SCHEDULE_VISITS = "schedule_visits"  # book, check in, cancel, no-show
    COMPLETE_SESSION = "complete_session"  # the session form's "Complete visit"
    VOID_VISIT = "void_visit"
    MAKE_ESTIMATES = "make_estimates"  # cost estimates and Good Faith Estimates
    EDIT_FEE_SCHEDULES = "edit_fee_schedules"
    EDIT_STATUS_BANDS = "edit_status_bands"
    EDIT_CLINIC = "edit_clinic"  # clinic details, the idle-lock time
    IMPORT_RULES = "import_rules"
    OVERRIDE_CHECKIN = "override_checkin"  # check in despite a stop (no visits left ...)
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    EXPORT_DATA = "export_data"
    # encrypt the database, change its passphrase, change the server connection (issue 12 #6)
    MANAGE_SECURITY = "manage_security"


P = Permission
_EVERYONE = {P.VIEW_PATIENTS, P.EDIT_PATIENTS, P.SCHEDULE_VISITS, P.MAKE_ESTIMATES}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.FRONT_DESK: frozenset(_EVERYONE),
    Role.THERAPIST: frozenset(_EVERYONE | {P.COMPLETE_SESSION, P.VOID_VISIT}),
    Role.BILLER: frozenset(_EVERYONE | {P.VOID_VISIT, P.EDIT_FEE_SCHEDULES, P.IMPORT_RULES,
                                        P.EXPORT_DATA}),
    # The manager runs the office, but is not a clinician: "Complete visit" stays with the
    # therapists (a manager who also treats holds both roles).
    Role.MANAGER: frozenset(set(Permission) - {P.COMPLETE_SESSION}),
}

_ACTION_WORDS: dict[Permission, str] = {
    P.VIEW_PATIENTS: "open patient records",
    P.EDIT_PATIENTS: "change patient records",
    P.SCHEDULE_VISITS: "book or check in visits",
    P.COMPLETE_SESSION: "complete a visit (only a therapist does)",
    P.VOID_VISIT: "void a visit",
    P.MAKE_ESTIMATES: "make cost estimates",
    P.EDIT_FEE_SCHEDULES: "change fee schedules",
    P.EDIT_STATUS_BANDS: "change the status bands",
    P.EDIT_CLINIC: "change the clinic's details and settings",
    P.IMPORT_RULES: "import rule tables",
    P.OVERRIDE_CHECKIN: "override a check-in stop (only an office manager does)",
    P.MANAGE_USERS: "manage users (only an office manager does)",
    P.VIEW_AUDIT: "see the audit trail",
    P.EXPORT_DATA: "export the clinic's data",
    P.MANAGE_SECURITY: "change the database's encryption or connection (only an office "
                       "manager does)",
}


class NotPermitted(DomainError):
    """The signed-in person's roles do not allow this action."""


class NotSignedIn(DomainError):
    """Nobody is signed in on this desk (or the session ended)."""


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    out: set[Permission] = set()
    for role in roles:
        out |= PERMISSIONS[role]
    return frozenset(out)


def allows(roles: Iterable[Role], permission: Permission) -> bool:
    return permission in permissions_of(roles)


def refusal_words(name: str, roles: Iterable[Role], permission: Permission) -> str:
    held = ", ".join(ROLE_LABELS[r] for r in Role if r in set(roles)) or "no role"
    return f"{name} ({held}) may not {_ACTION_WORDS[permission]}. Ask an office manager."


def check(name: str, roles: Iterable[Role], permission: Permission) -> None:
    """Refuse in words when `roles` do not carry `permission`."""
    roles = tuple(roles)
    if not allows(roles, permission):
        raise NotPermitted(refusal_words(name, roles, permission))


def parse_roles(text: str) -> frozenset[Role]:
    """Roles as stored: comma-separated role values; unknown ones are ignored."""
    known = {r.value for r in Role}
    return frozenset(Role(p) for p in (x.strip() for x in text.split(",")) if p in known)


def format_roles(roles: Iterable[Role]) -> str:
    return ",".join(sorted(r.value for r in roles))
