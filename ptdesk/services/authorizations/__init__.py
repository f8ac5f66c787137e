"""Authorizations and limits: authorizations, renewal requests, plans of care, the derived usage
counts, the status inputs and bands, and one patient's authorization panel."""
