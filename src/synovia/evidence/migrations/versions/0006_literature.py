"""Literature imports: the bibliographic record and keyword index of each imported source
(kept apart from `search_docs` so a million unreviewed abstracts never slow answers down),
the queue of records waiting for a vector, and the log of reviewers' decisions.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "literature_records",
        # The integer id is also the key of the source's vector in the vector index file.
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(200), nullable=False, unique=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="unreviewed"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("bib", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_index("ix_literature_records_status", "literature_records", ["status"])
    # Records whose vector is missing or stale. A narrow table of its own: flagging a column
    # of literature_records would rewrite the row (and its tsvector on PostgreSQL) twice.
    op.create_table(
        "literature_vector_queue",
        sa.Column("record_id", sa.Integer(), primary_key=True, autoincrement=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        # External content: the text is stored once, in literature_records.
        op.execute(
            "CREATE VIRTUAL TABLE literature_fts USING fts5(text, content='literature_records', "
            "content_rowid='id', tokenize='porter unicode61')"
        )
    else:
        op.execute(
            "ALTER TABLE literature_records ADD COLUMN tsv tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED"
        )
        op.execute("CREATE INDEX ix_literature_records_tsv ON literature_records USING gin (tsv)")
    op.create_table(
        "source_reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("changes", sa.JSON()),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_index("ix_source_reviews_source_id", "source_reviews", ["source_id"])


def downgrade() -> None:
    op.drop_table("source_reviews")
    op.drop_table("literature_vector_queue")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS literature_fts")
    op.drop_table("literature_records")
