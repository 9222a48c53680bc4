"""one Message-ID per outbox email, chosen when it is queued

Revision ID: a7b8c9d0e1f2
Revises: b2c3d4e5f6a7
Create Date: 2026-12-06 02:40:00

An email whose "sent" status failed to commit was sent again under a new Message-ID, so the
two copies looked like two messages. The Message-ID is now kept on the outbox row, and every
attempt sends it. Emails already queued get one made from their id.
"""

import sqlalchemy as sa
from alembic import op

revision = "a7b8c9d0e1f2"
down_revision = "b2c3d4e5f6a7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.String(length=250), nullable=True))
    op.execute("UPDATE outbox_emails SET message_id = '<outbox-' || id || '@portal>'")
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.alter_column("message_id", existing_type=sa.String(length=250), nullable=False)
        batch_op.create_unique_constraint("uq_outbox_emails_message_id", ["message_id"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outbox_emails_message_id", type_="unique")
        batch_op.drop_column("message_id")
