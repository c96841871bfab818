"""CLI command groups, registered on `nbzbx` in cli.py."""
