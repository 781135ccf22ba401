"""experiments, experiment_arms, experiment_assignments, experiment_exposures: online experiments

An experiment serves several model runs side by side to live traffic
(recommender.experiments); assignments and exposures record who saw which arm
and which vacancy first, so outcomes can be attributed without double counting.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:30:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'experiments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('hypothesis', sa.Text(), nullable=True),
        sa.Column('primary_metric', sa.Enum('saved', 'applied', 'hired', name='experiment_metric', native_enum=False,
                                            create_constraint=True, length=7), nullable=False),
        sa.Column('alpha', sa.Float(), nullable=False),
        sa.Column('segment_province', sa.String(length=2), nullable=True),
        sa.Column('segment_wave', sa.SmallInteger(), nullable=True),
        sa.Column('segment_new_only', sa.Boolean(), nullable=False),
        sa.Column('new_from_participant_id', sa.BigInteger(), nullable=True),
        sa.Column('status', sa.Enum('draft', 'running', 'stopped', name='experiment_status', native_enum=False,
                                    create_constraint=True, length=7), nullable=False),
        sa.Column('planned_start', sa.DateTime(), nullable=True),
        sa.Column('planned_end', sa.DateTime(), nullable=True),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('stopped_at', sa.DateTime(), nullable=True),
        sa.Column('decision', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['segment_province'], ['provinces.code'], name=op.f('fk_experiments_segment_province_provinces')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_experiments')),
        sa.UniqueConstraint('name', name=op.f('uq_experiments_name')),
    )
    op.create_index(op.f('ix_experiments_status'), 'experiments', ['status'], unique=False)
    op.create_table(
        'experiment_arms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('experiment_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('is_control', sa.Boolean(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('share', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['experiment_id'], ['experiments.id'], name=op.f('fk_experiment_arms_experiment_id_experiments'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['run_id'], ['model_runs.id'], name=op.f('fk_experiment_arms_run_id_model_runs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_experiment_arms')),
        sa.UniqueConstraint('experiment_id', 'name', name='uq_experiment_arms_experiment_name'),
    )
    op.create_index(op.f('ix_experiment_arms_experiment_id'), 'experiment_arms', ['experiment_id'], unique=False)
    op.create_table(
        'experiment_assignments',
        sa.Column('experiment_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', BigId, nullable=False),
        sa.Column('arm_id', sa.Integer(), nullable=False),
        sa.Column('assigned_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['arm_id'], ['experiment_arms.id'], name=op.f('fk_experiment_assignments_arm_id_experiment_arms'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['experiment_id'], ['experiments.id'],
                                name=op.f('fk_experiment_assignments_experiment_id_experiments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_experiment_assignments_participant_id_participants'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('experiment_id', 'participant_id', name=op.f('pk_experiment_assignments')),
    )
    op.create_index(op.f('ix_experiment_assignments_arm_id'), 'experiment_assignments', ['arm_id'], unique=False)
    op.create_table(
        'experiment_exposures',
        sa.Column('id', BigId, nullable=False),
        sa.Column('experiment_id', sa.Integer(), nullable=False),
        sa.Column('arm_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', BigId, nullable=False),
        sa.Column('vacancy_id', BigId, nullable=False),
        sa.Column('position', sa.SmallInteger(), nullable=False),
        sa.Column('shown_at', sa.DateTime(), nullable=False),
        sa.Column('within_reach', sa.Boolean(), nullable=True),
        sa.Column('connected', sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(['arm_id'], ['experiment_arms.id'], name=op.f('fk_experiment_exposures_arm_id_experiment_arms'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['experiment_id'], ['experiments.id'],
                                name=op.f('fk_experiment_exposures_experiment_id_experiments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_experiment_exposures_participant_id_participants'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_experiment_exposures_vacancy_id_vacancies'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_experiment_exposures')),
        sa.UniqueConstraint('experiment_id', 'participant_id', 'vacancy_id', name='uq_experiment_exposures_shown_once'),
    )
    op.create_index('ix_experiment_exposures_participant_vacancy', 'experiment_exposures', ['participant_id', 'vacancy_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_table('experiment_exposures')
    op.drop_table('experiment_assignments')
    op.drop_table('experiment_arms')
    op.drop_table('experiments')
