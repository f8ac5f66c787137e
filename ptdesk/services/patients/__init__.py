"""Patients and their coverages: find (the lookup), open, create, edit; chart numbers."""
