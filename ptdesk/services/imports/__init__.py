"""Import a clinic's CSV files (issue 13): a shared reader, one module per kind, DTOs."""
