"""The estimate dialog and the estimates given, on the patient's record."""
