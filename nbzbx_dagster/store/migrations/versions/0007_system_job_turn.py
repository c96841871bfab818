"""The system jobs' turns: one row per job while a run of it works, whoever started it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

Self-contained on purpose (no import of `store.tables`), like 0001.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "system_job_turn",
        sa.Column("job", sa.String(255), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("started_by", sa.Text(), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("process_start", sa.String(32), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", name=op.f("pk_system_job_turn")),
    )


def downgrade() -> None:
    op.drop_table("system_job_turn")
