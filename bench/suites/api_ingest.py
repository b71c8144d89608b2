"""Placeholder module, filled in below."""
