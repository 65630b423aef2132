"""Helpers for Samples/generate.py: MIME building and the message catalogue."""
