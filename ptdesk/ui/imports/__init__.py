"""The Import page: moving a clinic's data in from another system."""
