"""The shipped training modules and requirements, loaded by `reference load` and `demo load` (idempotent).

Existing rows are left as an admin changed them: a module's title or validity is never overwritten, and a
shipped requirement is created together with its module only, so one an admin removed stays removed.
"""

from app.audit.actor import Actor
from app.audit.services import record as audit
from app.channels.models import Channel
from app.extensions import db
from app.training.models import TrainingModule
from app.training.services import add_requirement

# code, title, what it covers, validity in months (None: for good)
MODULES = (
    ("facilitation", "Accompagnement au numérique en facilitation",
     "Accueillir l'usager, le guider dans une démarche en ligne sans faire à sa place, choisir le dispositif.", 36),
    ("payment-protocol", "Paiement accompagné : protocole de protection",
     "L'usager saisit lui-même ses coordonnées bancaires ; l'agent ne les note ni ne les lit à voix haute.", 12),
    ("state-procedures", "Démarches de l'État : ANTS, Crit'Air…",
     "Titres d'identité, permis, certificat d'immatriculation, vignette Crit'Air, impots.gouv, CAF, ameli.", 12),
    ("facil-familles", "Facil'Familles",
     "Compte famille, inscriptions (crèche, cantine, activités), quotient familial, facturation.", 24),
    ("phone-3975", "Accueil téléphonique 3975",
     "Identifier l'appelant, qualifier la demande, consigner l'appel, transférer vers le bon service.", 24),
    ("personal-data", "RGPD et secret professionnel",
     "Données personnelles des usagers : ce que l'on peut consulter, noter, transmettre ; secret professionnel.", 36),
)
# module code, scope, channel code (scope "channel")
REQUIREMENTS = (
    ("payment-protocol", "payment", None),
    ("state-procedures", "state", None),
    ("facilitation", "channel", "counter"),
)


def load_training_reference() -> dict[str, int]:
    """Create the missing shipped modules and requirements; returns counts created."""
    counts = {"modules": 0, "requirements": 0}
    modules, created = {}, set()
    for code, title, description, validity in MODULES:
        module = db.session.execute(db.select(TrainingModule).where(TrainingModule.code == code)).scalar_one_or_none()
        if module is None:
            module = TrainingModule(code=code, title=title, description=description, validity_months=validity,
                                    active=True)
            db.session.add(module)
            counts["modules"] += 1
            created.add(code)
        modules[code] = module
    db.session.flush()
    for code, scope, channel_code in REQUIREMENTS:
        if code not in created:
            continue
        channel = None
        if channel_code is not None:
            channel = db.session.execute(db.select(Channel).where(Channel.code == channel_code)).scalar_one_or_none()
            if channel is None:  # reference channels not loaded yet
                continue
        counts["requirements"] += add_requirement(modules[code], scope, channel=channel)[1]
    if counts["modules"]:
        audit("training.module", Actor.system(), object_type="training_module", object_id="load",
              detail={"operation": "load", "counts": counts})
    return counts
