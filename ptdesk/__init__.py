"""ptdesk: front-desk software for small US physical-therapy clinics."""

__version__ = "0.1.0"
