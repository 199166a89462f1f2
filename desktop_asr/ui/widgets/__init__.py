"""Widgets the main window is made of."""
