"""Screens for authorizations and limits: the patient's panel and its cards, the authorization,
renewal and plan-of-care dialogs."""
