"""CLI command groups, added to `nbzbx` in cli/main.py."""
