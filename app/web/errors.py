"""Friendly error pages, in French; refused access is audited."""

import logging
from functools import wraps

from flask import current_app, jsonify, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.audit.services import record
from app.auth.current import request_actor
from app.extensions import db

logger = logging.getLogger(__name__)

# The database does not answer (down, restarting, connections exhausted): not a bug of the page.
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeoutError)
UNAVAILABLE_TITLE = "Service momentanément indisponible"
UNAVAILABLE_TEXT = (
    "La base de données de Relais ne répond pas pour le moment. Réessayez dans un instant.",
    "Si vous enregistriez un ticket, ouvrez la liste de vos tickets avant de le saisir à nouveau : un même "
    "formulaire renvoyé n'est jamais enregistré deux fois.",
)
INTERNAL_TEXT = ("Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez dans un instant.",)
RETRY_AFTER = "30"
API_PREFIX = "/api/"  # the API and the phone system's CTI endpoint: every answer in JSON
# The French messages of JSON errors (the API's own handler uses them too: app/api/errors.py).
JSON_MESSAGES = {
    400: "Requête invalide.",
    401: "Jeton invalide ou révoqué.",
    403: "Accès refusé.",
    404: "Ressource introuvable.",
    405: "Méthode non permise.",
    413: "Corps de requête trop volumineux.",
    415: "Type de contenu non pris en charge : envoyez du JSON.",
    422: "Données invalides.",
    429: "Trop de requêtes en peu de temps pour ce jeton : réessayez dans un instant.",
    500: "Erreur interne : elle a été enregistrée.",
    503: "Base de données momentanément indisponible : réessayez dans un instant.",
}


def _page(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _forget_transaction() -> None:
    """End the request's transaction without asking the database anything more (it may be gone)."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        logger.warning("Transaction non annulée : la base ne répond pas")


def end_session(_error=None) -> None:
    """The request's session closed at teardown, whatever the database says.

    Registered after Flask-SQLAlchemy's own teardown, so it runs first: during an outage the rollback of
    closing raises, and a teardown's exception escapes every error handler (a bare English 500 after the
    French page was made). The connection is dropped (its pool replaces it) and the error logged.
    """
    try:
        db.session.remove()
    except SQLAlchemyError as exc:
        logger.warning("Session fermée sans la base (%s) : connexion abandonnée", type(exc).__name__)
        registry = db.session.registry
        try:
            if registry.has():
                registry().invalidate()  # closes without a rollback; the pool discards the connection
        except SQLAlchemyError:
            logger.warning("Connexion abandonnée sans être invalidée")
        registry.clear()


def _standalone(status: int, title: str, paragraphs):
    """An error page that reads nothing from the database (no signed-in agent, no menu)."""
    # Rendered without Flask's context processors: Flask-Login's would load the agent from the database.
    body = current_app.jinja_env.get_template("errors/standalone.html").render(
        status=status, title=title, paragraphs=paragraphs, request=request)
    headers = {"Retry-After": RETRY_AFTER} if status == 503 else {}
    return body, status, headers


def json_error(status: int, headers: dict | None = None):
    """`{"error": "<French message>"}` with `status`: how every error under /api/ is answered."""
    response = jsonify(error=JSON_MESSAGES.get(status, JSON_MESSAGES[500]))
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def _json_under_api(status: int):
    """Answer `status` in JSON under /api/ (unknown routes and methods never reach the API's own handlers);
    elsewhere, the page. Nothing is asked of the database (it may be the cause)."""

    def decorator(handler):
        @wraps(handler)
        def wrapped(error):
            if not api_request():
                return handler(error)
            _forget_transaction()
            headers = {}
            if status == 405 and getattr(error, "valid_methods", None):
                headers["Allow"] = ", ".join(error.valid_methods)
            return json_error(status, headers)

        return wrapped

    return decorator


def database_unavailable(error):
    """The French page (JSON under /api/) when the database does not answer: 503 with Retry-After, without
    touching the database again."""
    logger.error("Base de données injoignable (%s) : %s %s", type(error).__name__, request.method, request.path)
    _forget_transaction()
    if api_request():
        return json_error(503, {"Retry-After": RETRY_AFTER})
    return _standalone(503, UNAVAILABLE_TITLE, UNAVAILABLE_TEXT)


def init_app(app) -> None:
    """Register the error handlers; WTForms' own field messages in French."""
    # "Not a valid choice." -> "N'est pas un choix valide." in every form: WTForms' bundled French catalogue,
    # without Babel (Flask-WTF would ask Babel, absent, and fall back to English).
    app.config.setdefault("WTF_I18N_ENABLED", False)
    FlaskForm.Meta.locales = ("fr_FR", "fr")

    @app.errorhandler(400)
    @_json_under_api(400)
    def bad_request(error):
        return _page(400, "Requête invalide", getattr(error, "description", None) or "La requête est invalide.")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(400, "Formulaire expiré",
                     "Le formulaire a expiré ou n'est pas valide. Rechargez la page et recommencez.")

    @app.errorhandler(403)
    @_json_under_api(403)
    def forbidden(error):
        db.session.rollback()
        if current_user.is_authenticated:
            record("access.refused", request_actor(), object_type="url", object_id=request.path[:80],
                   detail={"method": request.method, "endpoint": request.endpoint})
            db.session.commit()
        return _page(403, "Accès refusé", "Vous n'avez pas les droits nécessaires pour accéder à cette page.")

    @app.errorhandler(404)
    @_json_under_api(404)
    def not_found(error):
        return _page(404, "Page introuvable", "La page demandée n'existe pas ou a été déplacée.")

    @app.errorhandler(405)
    @_json_under_api(405)
    def not_allowed(error):
        return _page(405, "Action non permise", "Cette action n'est pas permise sur cette page.")

    @app.errorhandler(413)
    @_json_under_api(413)
    def too_large(error):
        return _page(413, "Fichier trop volumineux", "Le fichier envoyé dépasse la taille autorisée.")

    @app.errorhandler(429)
    @_json_under_api(429)
    def too_many_requests(error):
        db.session.rollback()
        if request.endpoint == "auth.login":
            record("login.throttled", request_actor(login=request.form.get("login")))
            db.session.commit()
        return _page(429, "Trop de tentatives",
                     "Trop de tentatives en peu de temps. Patientez une minute avant de réessayer.")

    for exception in DATABASE_DOWN:
        app.register_error_handler(exception, database_unavailable)
    app.teardown_appcontext(end_session)

    @app.errorhandler(500)
    def server_error(error):
        original = getattr(error, "original_exception", None)
        if isinstance(original, DATABASE_DOWN):  # raised inside another error handler (e.g. an audit write)
            return database_unavailable(original)
        _forget_transaction()
        if api_request():
            return json_error(500)
        try:
            return _page(500, "Erreur interne", INTERNAL_TEXT[0])
        except Exception:  # noqa: BLE001 - the full page needs the agent; never answer a bare English page
            logger.exception("Page d'erreur complète impossible : page réduite")
            return _standalone(500, "Erreur interne", INTERNAL_TEXT)
