"""Moving a clinic in: the five CSV kinds, their columns, and pure row parsing (issue 13)."""
