"""Cost estimates and Good Faith Estimates: built from the patient's own counts, stored when
given, and the board's list of Good Faith Estimates due."""
