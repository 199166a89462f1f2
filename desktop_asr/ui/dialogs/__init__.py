"""Dialogs of the app: one dialog per module."""
