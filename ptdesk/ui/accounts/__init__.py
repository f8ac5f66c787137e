"""Screens for people and access: sign-in, the idle lock, users, the audit trail."""
