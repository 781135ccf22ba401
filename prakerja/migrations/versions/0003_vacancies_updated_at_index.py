"""vacancies.updated_at index: the serving workers' cheap check for a changed catalogue

Every worker asks every 2 seconds whether vacancies changed; with this index
``max(updated_at)`` is one index probe instead of a scan of the table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 23:40:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_vacancies_updated_at', 'vacancies', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_vacancies_updated_at', table_name='vacancies')
