"""participants.reach and commute_km: how far a participant will go for work

None in both means "the default from their data" (recommender.reach), so
existing participants need no backfill.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 10:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reach', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('commute_km', sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('commute_km')
        batch_op.drop_column('reach')
