"""`ptdesk users list|unlock`: the way back in when the only manager is locked out."""

import argparse
from pathlib import Path

import pytest
from sqlalchemy import select

from ptdesk.app.context import open_context
from ptdesk.app.main import main
from ptdesk.domain.permissions import Role
from ptdesk.domain.sign_in_lockout import AccountLocked, LockoutPolicy
from ptdesk.services.accounts.users import AccountService, NewUser, SignInRefused
from ptdesk.storage.actor import set_actor
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuditEntry

PW = "manager password"


def test_a_locked_out_manager_is_unlocked_from_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ctx = open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=False))
    accounts = AccountService(ctx.session_factory)
    accounts.create_user(NewUser("Maria Lopez", frozenset({Role.MANAGER}), PW, PW))
    accounts.set_lockout_policy(LockoutPolicy(3, 60))
    set_actor(None)
    for _ in range(3):
        with pytest.raises((SignInRefused, AccountLocked)):
            accounts.sign_in("Maria Lopez", "forgot it")
    d = ["--data-dir", str(tmp_path)]
    assert main([*d, "users", "list"]) == 0
    assert "Maria Lopez · Office manager · LOCKED until " in capsys.readouterr().out
    assert main([*d, "users", "unlock", "maria  lopez"]) == 0
    assert capsys.readouterr().out == "Maria Lopez can sign in again.\n"
    assert accounts.sign_in("Maria Lopez", PW).name == "Maria Lopez"
    with session_scope(ctx.session_factory) as s:
        unlocked = s.scalars(select(AuditEntry.actor).where(
            AuditEntry.action == "account_unlocked")).all()
    assert [a.startswith("command line: ") for a in unlocked] == [True]
    assert main([*d, "users", "unlock", "Nobody"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["ptdesk: name: no user is named 'Nobody'"]
    ctx.close()
