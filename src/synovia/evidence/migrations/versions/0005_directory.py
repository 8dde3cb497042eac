"""Specialist directory: listings (narrow rows, JSON apart), locations, filter terms, enquiries.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_listings",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("example", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_directory_listings_name", "directory_listings", ["name", "id"])
    op.create_table(
        "directory_listing_data",
        sa.Column("listing_id", sa.String(80),
                  sa.ForeignKey("directory_listings.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_table(
        "directory_locations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("listing_id", sa.String(80),
                  sa.ForeignKey("directory_listings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("region", sa.String(40), nullable=False),
        sa.Column("district", sa.String(8), nullable=False),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.Column("z", sa.Float(), nullable=False),
    )
    op.create_index("ix_directory_locations_listing_id", "directory_locations", ["listing_id"])
    op.create_index("ix_directory_locations_z", "directory_locations",
                    ["z", "x", "y", "listing_id"])
    op.create_table(
        "directory_terms",
        sa.Column("listing_id", sa.String(80),
                  sa.ForeignKey("directory_listings.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("key", sa.String(100), primary_key=True),
    )
    op.create_index("ix_directory_terms_key", "directory_terms", ["key", "listing_id"])
    op.create_table(
        "directory_enquiries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("listing_id", sa.String(80),
                  sa.ForeignKey("directory_listings.id", ondelete="SET NULL")),
        sa.Column("listing_name", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(40)),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("emailed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_directory_enquiries_listing_id", "directory_enquiries", ["listing_id"])
    op.create_index("ix_directory_enquiries_created_at", "directory_enquiries", ["created_at"])


def downgrade() -> None:
    for name in ("directory_enquiries", "directory_terms", "directory_locations",
                 "directory_listing_data", "directory_listings"):
        op.drop_table(name)
