"""Visits and sessions: the day's list, booking and the week, check-in and its overrides, the
session form's billing preview, completing and correcting a visit and its history."""
