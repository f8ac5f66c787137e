"""Keeping the clinic's data safe: backups (on demand, daily, restore), encryption of the
database file at rest, and which database this computer opens."""
