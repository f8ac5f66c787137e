"""The practice board page, its tables and week chart, and the overrides report."""
