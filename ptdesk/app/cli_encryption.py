"""`ptdesk encryption status | on | passphrase`: the clinic's SQLite file encrypted at rest
(SQLCipher), from the command line as from Settings > Database.

Secrets never go on the command line (other accounts can read it): the current one comes from
PTDESK_PASSPHRASE (passphrase or recovery key) or a prompt, the new one from
PTDESK_NEW_PASSPHRASE or a prompt typed twice. `on` prints the recovery key once.
"""

import argparse


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser(
        "encryption", help="encrypt the clinic's database file, or change its passphrase",
        description="status: say whether the database is encrypted. on: encrypt the database "
        "and the backups folder with a new passphrase (PTDESK_NEW_PASSPHRASE or typed twice) "
        "and print the recovery key once; close ptdesk on the other computers first. "
        "passphrase: replace the passphrase (the current one, or the recovery key, from "
        "PTDESK_PASSPHRASE or typed).")
    p.add_argument("action", choices=("status", "on", "passphrase"))
    p.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS)
    p.set_defaults(handler=run_encryption)


def run_encryption(args: argparse.Namespace) -> int:
    from ptdesk.app.context import open_context
    from ptdesk.app.unlock import CommandLineSecret, new_passphrase_on_command_line
    from ptdesk.domain.errors import ValidationErrors
    from ptdesk.services.safekeeping.encryption import EncryptionService

    asker = CommandLineSecret()
    ctx = open_context(args, ask_secret=asker)
    try:
        service = EncryptionService(ctx.session_factory, ctx.paths.backups_dir,
                                    is_demo=ctx.is_demo)
        if args.action == "status":
            state = service.status()
            print(("encrypted: " if state.encrypted else "not encrypted: ") + state.words)
            return 0
        try:
            if args.action == "on":
                new, repeat = new_passphrase_on_command_line()
                done = service.turn_on(new, repeat)
                print("the database is encrypted"
                      + (f"; {done.backups_encrypted} backups encrypted too"
                         if done.backups_encrypted else ""))
                if done.backups_left_plain:
                    print(f"warning: {done.backups_left_plain} backups could not be encrypted; "
                          "see the log")
                print("RECOVERY KEY (write it down and keep it somewhere safe; it is shown "
                      "only now):")
                print(f"    {done.recovery_key}")
                return 0
            current = asker.last or ""  # what unlocked the database a moment ago
            new, repeat = new_passphrase_on_command_line()
            service.change_passphrase(current, new, repeat)
            print("passphrase changed")
            return 0
        except ValidationErrors as exc:
            field, problem = next(iter(exc.errors.items()))
            raise ValidationErrors({field: f"{field}: {problem}"}) from None
    finally:
        ctx.close()
