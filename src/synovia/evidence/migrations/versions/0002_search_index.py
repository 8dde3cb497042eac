"""Search index: one document per record, FTS5 on SQLite, a tsvector + GIN on PostgreSQL.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_docs",
        sa.Column("doc_id", sa.String(220), primary_key=True),
        sa.Column("record_type", sa.String(20), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="accepted"),
        sa.Column("vector", sa.LargeBinary()),
    )
    op.create_index("ix_search_docs_record_id", "search_docs", ["record_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "doc_id UNINDEXED, text, tokenize='porter unicode61')"
        )
    else:
        op.execute(
            "ALTER TABLE search_docs ADD COLUMN tsv tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED"
        )
        op.execute("CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_docs")
