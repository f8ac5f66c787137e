"""The receptionist's day: the Today page, the week view, check-in and its override, booking
a series, visit actions."""
