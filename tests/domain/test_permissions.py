"""The permission table per role (issue 12 item 4), pure."""

import pytest

from ptdesk.domain.permissions import (
    PERMISSIONS,
    NotPermitted,
    Permission,
    Role,
    allows,
    check,
    format_roles,
    parse_roles,
)

P = Permission
EXPECTED: dict[Role, set[Permission]] = {
    Role.FRONT_DESK: {P.VIEW_PATIENTS, P.EDIT_PATIENTS, P.SCHEDULE_VISITS, P.MAKE_ESTIMATES},
    Role.THERAPIST: {P.VIEW_PATIENTS, P.EDIT_PATIENTS, P.SCHEDULE_VISITS, P.MAKE_ESTIMATES,
                     P.COMPLETE_SESSION, P.VOID_VISIT},
    Role.BILLER: {P.VIEW_PATIENTS, P.EDIT_PATIENTS, P.SCHEDULE_VISITS, P.MAKE_ESTIMATES,
                  P.VOID_VISIT, P.EDIT_FEE_SCHEDULES, P.IMPORT_RULES, P.EXPORT_DATA},
    Role.MANAGER: set(Permission) - {P.COMPLETE_SESSION},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_holds_exactly_its_permissions(role: Role) -> None:
    assert PERMISSIONS[role] == EXPECTED[role]


def test_the_issues_rules() -> None:
    assert not allows({Role.FRONT_DESK}, P.EDIT_FEE_SCHEDULES)
    assert not allows({Role.FRONT_DESK}, P.EDIT_STATUS_BANDS)
    assert not allows({Role.FRONT_DESK}, P.EDIT_CLINIC)
    assert [r for r in Role if allows({r}, P.COMPLETE_SESSION)] == [Role.THERAPIST]
    assert [r for r in Role if allows({r}, P.MANAGE_USERS)] == [Role.MANAGER]
    assert [r for r in Role if allows({r}, P.OVERRIDE_CHECKIN)] == [Role.MANAGER]
    # An owner who treats holds both roles: the union.
    assert allows({Role.MANAGER, Role.THERAPIST}, P.COMPLETE_SESSION)


def test_refusal_in_words() -> None:
    with pytest.raises(NotPermitted, match="Dana \\(Front desk\\) may not change fee schedules"):
        check("Dana", [Role.FRONT_DESK], P.EDIT_FEE_SCHEDULES)
    check("Dana", [Role.BILLER], P.EDIT_FEE_SCHEDULES)  # no error


def test_roles_round_trip_as_stored() -> None:
    roles = frozenset({Role.MANAGER, Role.THERAPIST})
    assert parse_roles(format_roles(roles)) == roles
    assert parse_roles("manager, nonsense,") == {Role.MANAGER}
