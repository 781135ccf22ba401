"""settings (the pseudonym key), api_keys.expires_at; pseudonyms re-keyed

Pseudonyms were ``id * constant mod 2**40``, which anyone can invert. They are
now an HMAC of the id under a key kept in the new ``settings`` table
(:mod:`prakerja.pseudonyms`). A database made before gets a random key here,
and every participant's pseudonym is computed again under it: the old ones
gave the ids away, so they must not stay valid. API keys get an optional expiry.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 10:05:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BATCH = 10_000


def upgrade() -> None:
    op.create_table(
        'settings',
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_settings')),
    )
    with op.batch_alter_table('api_keys') as batch:
        batch.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
    _rekey_pseudonyms()


def _rekey_pseudonyms() -> None:
    """A random key for a database that already holds participants, and their pseudonyms under it."""
    from prakerja.pseudonyms import SECRET_SETTING, new_secret, pseudonym

    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM participants ORDER BY id"))]
    if not ids:
        return  # the first `prakerja init` (or the demo world) stores the key
    secret = new_secret()
    connection.execute(sa.text("INSERT INTO settings (name, value) VALUES (:name, :value)"),
                       {"name": SECRET_SETTING, "value": secret.hex()})
    update = sa.text("UPDATE participants SET pseudonym = :pseudonym WHERE id = :id")
    for start in range(0, len(ids), BATCH):
        connection.execute(update, [{"id": i, "pseudonym": pseudonym(secret, i)} for i in ids[start:start + BATCH]])


def downgrade() -> None:
    # the old pseudonyms are not restored: they gave the ids away
    with op.batch_alter_table('api_keys') as batch:
        batch.drop_column('expires_at')
    op.drop_table('settings')
