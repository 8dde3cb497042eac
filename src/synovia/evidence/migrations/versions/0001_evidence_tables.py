"""Evidence tables: sources, findings, recommendations, regulatory status, pathway, terms.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _record(name: str, *extra: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("verification", sa.String(20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        *extra,
    )


def upgrade() -> None:
    _record(
        "sources",
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("doi", sa.String(300)),
        sa.Column("pmid", sa.String(20)),
        sa.Column("url", sa.Text()),
        sa.Column("origin", sa.String(20), nullable=False, server_default="curated"),
        sa.Column("review_status", sa.String(20), nullable=False, server_default="accepted"),
    )
    op.create_index("ix_sources_kind", "sources", ["kind"])
    op.create_index("ix_sources_doi", "sources", ["doi"])
    op.create_index("ix_sources_pmid", "sources", ["pmid"])
    op.create_index("ix_sources_origin", "sources", ["origin"])
    op.create_index("ix_sources_review_status", "sources", ["review_status"])
    _record(
        "findings",
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("direction", sa.String(40), nullable=False),
    )
    op.create_index("ix_findings_source_id", "findings", ["source_id"])
    _record(
        "recommendations",
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("treatment", sa.String(80), nullable=False),
        sa.Column("joint", sa.String(40)),
    )
    op.create_index("ix_recommendations_source_id", "recommendations", ["source_id"])
    op.create_index("ix_recommendations_treatment", "recommendations", ["treatment"])
    _record(
        "regulatory",
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("treatment", sa.String(80), nullable=False),
        sa.Column("jurisdiction", sa.String(20), nullable=False),
    )
    op.create_index("ix_regulatory_source_id", "regulatory", ["source_id"])
    op.create_index("ix_regulatory_treatment", "regulatory", ["treatment"])
    _record("pathway", sa.Column("step", sa.Float(), nullable=False))
    op.create_table(
        "record_terms",
        sa.Column("record_type", sa.String(20), primary_key=True),
        sa.Column("record_id", sa.String(200), primary_key=True),
        sa.Column("field", sa.String(20), primary_key=True),
        sa.Column("term", sa.String(80), primary_key=True),
    )
    op.create_index("ix_record_terms_lookup", "record_terms", ["field", "term", "record_type"])
    op.create_table(
        "evidence_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("load_id", sa.String(40), nullable=False),
        sa.Column("record_type", sa.String(20), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("change", sa.String(10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_index("ix_evidence_changes_load_id", "evidence_changes", ["load_id"])
    op.create_index("ix_evidence_changes_record_id", "evidence_changes", ["record_id"])


def downgrade() -> None:
    for name in ("evidence_changes", "record_terms", "pathway", "regulatory",
                 "recommendations", "findings", "sources"):
        op.drop_table(name)
