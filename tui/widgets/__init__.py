"""Reusable widgets of the wizard (the only UI code below tui/ besides app.py)."""
