"""Publications keep their public page and PDF, rendered once when published.

Anyone could make the server render a PDF on every request (0.2-1.2 s of CPU each). The
page and the PDF of a published version are now rendered when it is published and served
as stored, each with its ETag; existing publications are rendered when first read.

Revision ID: 0019_public_pages
Revises: 0018_safe_room
Create Date: 2026-12-07 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_public_pages"
down_revision: str | None = "0018_safe_room"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report_publication") as batch:
        batch.add_column(sa.Column("html", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("pdf", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("html_etag", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("pdf_etag", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("marks", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_publication") as batch:
        for column in ("marks", "pdf_etag", "html_etag", "pdf", "html"):
            batch.drop_column(column)
