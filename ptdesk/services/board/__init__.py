"""The practice board (the biller's daily list), its counts and reports, and the status chips
of any set of patients computed by the board's own loader."""
