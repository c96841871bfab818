"""The repair plan's actions (contract), in one place: the store's check constraint, the plan,
the job's configuration and the CLI's choices use them, without importing one another."""

ACTIONS = ("create", "update", "adopt", "disable", "delete", "blocked")
APPLICABLE = ACTIONS[:-1]
REMOVALS = ("disable", "delete")
