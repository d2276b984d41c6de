"""integration tokens bound to sites and channels, like agents

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-02

A token now serves a scope of sites (and optionally channels) and reads or writes nothing outside it.
Existing tokens get `all_sites = false` and no site, so they are refused until an administrator chooses
their sites or marks them "tous les sites" (page Intégrations, or `flask integrations scope`), with one
exception: a token holding the `cti` scope is bound to the 3975 platform's sites (kind `phone_platform`),
the only place its events can concern, so the phone system keeps working through the upgrade.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('integration_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('all_sites', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'integration_token_sites',
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_integration_token_sites_site_id_sites'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['token_id'], ['integration_tokens.id'],
                                name=op.f('fk_integration_token_sites_token_id_integration_tokens'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_id', 'site_id', name=op.f('pk_integration_token_sites')),
    )
    op.create_table(
        'integration_token_channels',
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['channel_id'], ['channels.id'],
                                name=op.f('fk_integration_token_channels_channel_id_channels'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['token_id'], ['integration_tokens.id'],
                                name=op.f('fk_integration_token_channels_token_id_integration_tokens'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_id', 'channel_id', name=op.f('pk_integration_token_channels')),
    )
    # The phone system's tokens keep serving the 3975 platform (see the docstring); no other grant.
    op.execute(sa.text(
        "INSERT INTO integration_token_sites (token_id, site_id) "
        "SELECT t.id, s.id FROM integration_tokens t, sites s "
        "WHERE s.kind = 'phone_platform' AND (' ' || t.scopes || ' ') LIKE '% cti %'"))


def downgrade():
    op.drop_table('integration_token_channels')
    op.drop_table('integration_token_sites')
    with op.batch_alter_table('integration_tokens', schema=None) as batch_op:
        batch_op.drop_column('all_sites')
