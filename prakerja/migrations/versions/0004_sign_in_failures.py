"""sign_in_failures: failed dashboard sign-ins per account and per client; Wakatobi's longitude

The dashboard slows repeated wrong passwords down (a growing delay per
account and per client address); the counts live in the database so every
server process sees them. The same migration corrects Kabupaten Wakatobi
(7407) in databases loaded before the reference file was fixed: upstream gave
longitude 23.54 instead of 123.54.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'sign_in_failures',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_failures')),
    )
    op.execute("UPDATE regencies SET longitude = 123.5389007621827 WHERE code = '7407' AND longitude < 90")


def downgrade() -> None:
    op.drop_table('sign_in_failures')
