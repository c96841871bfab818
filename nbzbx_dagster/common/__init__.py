"""Helpers the core shares: validated connections, HTTP error wording, progress lines, timings,
and the contract's words (sync statuses, plan actions). Nothing here imports Dagster."""
