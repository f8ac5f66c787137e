"""People and access: users, roles, sign-in, passwords, the idle lock's unlock, and reading the
audit trail (who did what)."""
