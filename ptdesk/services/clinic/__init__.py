"""The clinic itself: its details (name, address, NPI, TIN) and its pick lists (payers,
providers)."""
