"""Reference data admin screens (channels, sites, devices, procedures)."""

from flask import Blueprint

bp = Blueprint("channels", __name__, url_prefix="/admin/reference")
