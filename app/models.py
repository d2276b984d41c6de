"""Every domain's models, imported so that Alembic and `db.create_all` see them all."""

from app.api.models import IntegrationToken
from app.audit.models import AuditEntry
from app.auth.models import Agent
from app.channels.models import Channel, Device, DeviceInstallation, Procedure, Site
from app.contacts.models import Resident, ResidentChange
from app.privacy.models import Setting
from app.reports.models import ReportFile, ReportResult, ReportRun
from app.telephony.models import Call
from app.tickets.export_models import TicketExport, TicketExportPart
from app.tickets.import_models import ImportRun
from app.tickets.models import Ticket, TicketEvent, TicketSequence
from app.training.models import TrainingModule, TrainingRecord, TrainingRequirement, TrainingSitePolicy

__all__ = [
    "Agent",
    "AuditEntry",
    "Call",
    "Channel",
    "Device",
    "DeviceInstallation",
    "ImportRun",
    "IntegrationToken",
    "Procedure",
    "ReportFile",
    "ReportResult",
    "ReportRun",
    "Resident",
    "ResidentChange",
    "Setting",
    "Site",
    "Ticket",
    "TicketEvent",
    "TicketExport",
    "TicketExportPart",
    "TicketSequence",
    "TrainingModule",
    "TrainingRecord",
    "TrainingRequirement",
    "TrainingSitePolicy",
]
