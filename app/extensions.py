"""Unbound extension objects; `create_app` binds them."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Every engine (the primary and the reports replica's bind): an SQL error or SQL echo names the statement,
# never its values (a card number the guard refused, a resident's name).
ENGINE_DEFAULTS = {"hide_parameters": True}
db = SQLAlchemy(model_class=Base, engine_options=ENGINE_DEFAULTS)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Storage and limits are configured by `app.auth.ratelimit.init_app` (Redis, in-memory fallback).
limiter = Limiter(key_func=get_remote_address)
