"""sealed account fields (#18): a field key per account (account_field_keys); e-mail,
name, mobile and the second step's secret widened to hold sealed text; the e-mail's
uniqueness moves to its blind index (email_index), the mobile's index to mobile_index;
sign-in attempts keep the address typed only as its blind index (the plain addresses
of earlier attempts are dropped). Existing accounts are sealed by the service in the
background (services/identity/backfill.py).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 21:00:00
"""

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# SQLite's reflection gives the unique constraint of 0001 no name: the batch names it so.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _unique_name(table, column):
    """The name of the unique constraint on `table.column` (PostgreSQL named it
    accounts_email_key; SQLite has none, and the batch's naming convention applies)."""
    for constraint in sa.inspect(op.get_bind()).get_unique_constraints(table):
        if constraint["column_names"] == [column] and constraint["name"]:
            return constraint["name"]
    return f"uq_{table}_{column}"


def upgrade():
    op.create_table(
        "account_field_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("kek_id", sa.String(length=32), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(length=60), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("shredded_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id"),
    )
    email_unique = _unique_name("accounts", "email")
    with op.batch_alter_table("accounts", naming_convention=NAMING) as batch:
        batch.drop_constraint(email_unique, type_="unique")
        batch.drop_index("ix_accounts_mobile")
        batch.alter_column("email", type_=sa.Text(), existing_nullable=False)
        batch.alter_column("name", type_=sa.Text(), existing_nullable=False)
        batch.alter_column("mobile", type_=sa.Text(), existing_nullable=True)
        batch.alter_column("second_factor_secret", type_=sa.Text(), existing_nullable=True)
        batch.add_column(sa.Column("email_index", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("mobile_index", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_accounts_email_index", ["email_index"])
        batch.create_index("ix_accounts_mobile_index", ["mobile_index"])
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(sa.Column("email_index", sa.String(length=64), nullable=True))
        batch.create_index("ix_login_attempts_email_index", ["email_index"])
        batch.drop_column("email")


def downgrade():
    """Only before any account was sealed: sealed values do not fit the old columns'
    meaning (the service would read them as addresses)."""
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(
            sa.Column("email", sa.String(length=254), nullable=False, server_default="")
        )
        batch.drop_index("ix_login_attempts_email_index")
        batch.drop_column("email_index")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_index("ix_accounts_mobile_index")
        batch.drop_constraint("uq_accounts_email_index", type_="unique")
        batch.drop_column("mobile_index")
        batch.drop_column("email_index")
        batch.alter_column("second_factor_secret", type_=sa.String(length=64))
        batch.alter_column("mobile", type_=sa.String(length=20))
        batch.alter_column("name", type_=sa.String(length=200))
        batch.alter_column("email", type_=sa.String(length=254))
        batch.create_unique_constraint("accounts_email_key", ["email"])
        batch.create_index("ix_accounts_mobile", ["mobile"])
    op.drop_table("account_field_keys")
