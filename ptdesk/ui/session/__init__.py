"""The therapist's session form: minutes per code, live units, modifiers and findings; the
visit's history."""
