"""The API's readable page: the OpenAPI document rendered in French, with no third-party script."""

from flask import Blueprint, current_app, render_template

from app.api.labels import SCOPES

bp = Blueprint("api_pages", __name__, url_prefix="/api/v1")

METHOD_ORDER = ("get", "post", "put", "patch", "delete")


@bp.route("/docs")
def docs():
    spec = current_app.extensions["relais_api"].spec.to_dict()
    operations = [(path, method, operation) for path, item in spec["paths"].items()
                  for method, operation in sorted(item.items(), key=lambda kv: METHOD_ORDER.index(kv[0])
                                                  if kv[0] in METHOD_ORDER else 99)
                  if method in METHOD_ORDER]
    return render_template("api/docs.html", spec=spec, operations=operations, scopes=SCOPES)
