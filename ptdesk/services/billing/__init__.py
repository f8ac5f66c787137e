"""Billing and audit: the session's rule tables (MUE, PTP) imported from CMS, fee schedules, and
`ptdesk audit` over past claims."""
