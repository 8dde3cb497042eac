"""Structured articles, retraction notices, per-account sign-in limits and stored answers.

- `article_versions.content`: the parts of an article drafted from an answer (options,
  references, key points, the sentences Synovia wrote), kept as data rather than Markdown.
- `articles.retracted_at` / `retract_reason`: a retracted page keeps its address and says why.
- `users.failed_logins` / `locked_until`: sign-in limits per account, shared by every worker.
- `conversation_turns.answer`: the answer as shown, so a conversation has a permanent link.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("article_versions") as t:
        t.add_column(sa.Column("content", sa.JSON(), nullable=True))
    with op.batch_alter_table("articles") as t:
        t.add_column(sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True))
        t.add_column(sa.Column("retract_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("users") as t:
        t.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False,
                               server_default="0"))
        t.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("conversation_turns") as t:
        t.add_column(sa.Column("answer", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_turns") as t:
        t.drop_column("answer")
    with op.batch_alter_table("users") as t:
        t.drop_column("locked_until")
        t.drop_column("failed_logins")
    with op.batch_alter_table("articles") as t:
        t.drop_column("retract_reason")
        t.drop_column("retracted_at")
    with op.batch_alter_table("article_versions") as t:
        t.drop_column("content")
