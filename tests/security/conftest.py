"""Fixtures of the security tests: real records whose ids fill the URLs of the permission matrix."""

import pytest

from app.api.tokens import create_token
from app.channels.models import Channel, Device, Procedure, Site
from app.extensions import db
from app.reports.models import ReportFile, ReportResult, ReportRun
from app.telephony.models import Call
from app.tickets.export_models import TicketExport
from app.tickets.import_models import ImportRun
from app.training.queries import get_module_by_code, list_requirements
from app.training.reference import load_training_reference
from tests.security.factories import by_code, make_resident, make_ticket

FIXED_SAMPLES = {"kind_channels": "channels", "action_deactivate": "deactivate", "format_csv": "csv",
                 "bad_token": "not-a-token"}


@pytest.fixture
def matrix_samples(reference, make_agent):
    """Real records whose ids fill the URLs."""
    return build_samples(make_agent)


def build_samples(make_agent) -> dict:
    """Create (and commit) the records whose ids fill the URLs; `make_agent(role, login=...)` makes an agent."""
    resident = make_resident()
    other = make_resident("Marie", "Lefevre", email="m.lefevre@example.org", account_ref="CP-OTHER")
    samples = {
        "resident": resident.id,
        "other_resident": other.id,
        "ticket_mairie_02": make_ticket(resident, channel="counter", site="mairie-02").id,
        "target_agent": make_agent("manager", login="cible-matrice").id,
        "channel": by_code(Channel, "email").id,
        "site": by_code(Site, "mairie-20").id,
        "device": db.session.execute(db.select(Device.id).order_by(Device.id).limit(1)).scalar_one(),
        "procedure": db.session.execute(db.select(Procedure.id).order_by(Procedure.id).limit(1)).scalar_one(),
    } | FIXED_SAMPLES
    run = ReportRun(name="dashboard", params={}, params_key="matrix", status="done")
    run.results.append(ReportResult(report="volumes", title="Volumes", data={}, chart_svg="<svg></svg>"))
    db.session.add(run)
    db.session.flush()
    db.session.add(ReportFile(run_id=run.id, format="csv", filename="tableau.csv", content=b"a;b\n"))
    samples |= {"report_run": run.id, "report_result": run.results[0].id}
    load_training_reference()  # after the sample ticket: its agent has no training
    samples |= {"training_module": get_module_by_code("facilitation").id,
                "training_requirement": list_requirements()[0].id}
    upload = ImportRun(file_name="historique.csv", content_hash="0" * 64, status="finished", lines_total=1,
                       lines_read=1, error_count=0, result={"summary": "Tickets créés : 0."})
    db.session.add(upload)
    db.session.flush()
    samples["import_run"] = upload.id
    export = TicketExport(agent_id=samples["target_agent"], filters={}, filters_key="0" * 64, query={},
                          status="queued", rows_total=0, rows_written=0, byte_size=0, file_name="tickets.xlsx",
                          metrics={})
    db.session.add(export)
    db.session.flush()
    samples["ticket_export"] = export.id
    call = Call(call_id="matrix-call", direction="in", number="+33612345678", state="missed")
    db.session.add(call)
    db.session.flush()
    samples |= {"call": call.id, "integration_token": create_token("Matrice", "cti", all_sites=True)[0].id}
    db.session.commit()
    return samples
