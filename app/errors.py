"""Friendly error pages, in French; refused access is audited."""

import logging

from flask import render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.audit.services import record
from app.extensions import db

logger = logging.getLogger(__name__)


def _page(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app) -> None:
    """Register the error handlers."""

    @app.errorhandler(400)
    def bad_request(error):
        return _page(400, "Requête invalide", getattr(error, "description", None) or "La requête est invalide.")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(400, "Formulaire expiré",
                     "Le formulaire a expiré ou n'est pas valide. Rechargez la page et recommencez.")

    @app.errorhandler(403)
    def forbidden(error):
        db.session.rollback()
        if current_user.is_authenticated:
            record("access.refused", object_type="url", object_id=request.path[:80],
                   detail={"method": request.method, "endpoint": request.endpoint})
            db.session.commit()
        return _page(403, "Accès refusé", "Vous n'avez pas les droits nécessaires pour accéder à cette page.")

    @app.errorhandler(404)
    def not_found(error):
        return _page(404, "Page introuvable", "La page demandée n'existe pas ou a été déplacée.")

    @app.errorhandler(405)
    def not_allowed(error):
        return _page(405, "Action non permise", "Cette action n'est pas permise sur cette page.")

    @app.errorhandler(413)
    def too_large(error):
        return _page(413, "Fichier trop volumineux", "Le fichier envoyé dépasse la taille autorisée.")

    @app.errorhandler(429)
    def too_many_requests(error):
        db.session.rollback()
        if request.endpoint == "auth.login":
            record("login.throttled", agent_login=request.form.get("login"))
            db.session.commit()
        return _page(429, "Trop de tentatives",
                     "Trop de tentatives en peu de temps. Patientez une minute avant de réessayer.")

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _page(500, "Erreur interne",
                     "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez dans un instant.")
