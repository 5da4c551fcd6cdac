"""activation links (purpose, SMS code, attempts on password_resets)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 02:19:33.818469
"""
from alembic import op
import sqlalchemy as sa

import services.common.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=12), server_default='reset', nullable=False))
        batch_op.add_column(sa.Column('sms_code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('sms_code_hash')
        batch_op.drop_column('purpose')

