"""`ptdesk users list` and `ptdesk users unlock NAME`: the way back in when the only office
manager is locked out after too many failed attempts (nobody is left to unlock on the Users
page). The command line acts as the OS account with the manager's rights (storage/actor.py);
the unlock is recorded in the audit trail under that name."""

import argparse


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    from ptdesk.app.cli_import import add_database_options

    p = subparsers.add_parser(
        "users", help="list users, or unlock an account locked after failed sign-ins",
        description="list: every user, their roles and whether they are locked. unlock NAME: "
        "open an account locked after too many wrong passwords or PINs (recorded in the "
        "audit trail).")
    sub = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", help="every user, their roles, locked or not")
    add_database_options(lst)
    lst.set_defaults(handler=run)
    unlock = sub.add_parser("unlock", help="open a locked account now")
    unlock.add_argument("name", metavar="NAME")
    add_database_options(unlock)
    unlock.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ptdesk.app.clock import local_now
    from ptdesk.app.context import open_context
    from ptdesk.domain.errors import ValidationError
    from ptdesk.services.accounts.users import AccountService

    ctx = open_context(args)
    try:
        accounts = AccountService(ctx.session_factory, now=local_now)
        users = accounts.users()
        if args.users_command == "list":
            for u in users:
                print(u.describe(local_now()))
            return 0
        wanted = " ".join(args.name.split()).lower()
        found = next((u for u in users if u.name.lower() == wanted), None)
        if found is None:
            raise ValidationError(f"name: no user is named {args.name!r}", field="name")
        accounts.unlock_account(found.id)
        print(f"{found.name} can sign in again.")
        return 0
    finally:
        ctx.close()
