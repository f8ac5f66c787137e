"""Backups a clinic can live by: on demand, daily on the first start, and restore."""
