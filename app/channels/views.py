"""Reference data admin screens (channels, sites, devices, procedures), for admins only."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from app.auth.current import request_actor
from app.auth.guards import role_required
from app.channels import queries
from app.channels import services as svc
from app.channels.catalogue_csv import COLUMNS, MAX_LINES, export_catalogue, import_catalogue
from app.channels.forms import (
    ActivationForm,
    CatalogueImportForm,
    ChannelForm,
    DeviceForm,
    ProcedureFilterForm,
    ProcedureForm,
    SiteForm,
    choices,
)
from app.channels.labels import AVAILABILITY_LABELS, OWNER_LABELS, SITE_KIND_LABELS
from app.channels.models import Channel, Device, Procedure, Site
from app.channels.rules import NO_DEVICE
from app.extensions import db
from app.timeutil import paris_day, utcnow

bp = Blueprint("channels", __name__, url_prefix="/admin/reference")


# kind in the URL -> model, deactivate, reactivate, list endpoint, French noun
KINDS = {
    "channels": (Channel, svc.deactivate_channel, svc.reactivate_channel, "channels.list_channels", "Canal"),
    "sites": (Site, svc.deactivate_site, svc.reactivate_site, "channels.list_sites", "Site"),
    "devices": (Device, svc.deactivate_device, svc.reactivate_device, "channels.list_devices", "Dispositif"),
    "procedures": (Procedure, svc.deactivate_procedure, svc.reactivate_procedure, "channels.list_procedures",
                   "Démarche"),
}
LABELS = {"owners": OWNER_LABELS, "availabilities": AVAILABILITY_LABELS, "site_kinds": SITE_KIND_LABELS}


@bp.context_processor
def _labels():
    return LABELS


def _show_error(form, exc: svc.ReferenceDataError) -> None:
    target = form._fields.get(exc.field) if exc.field else None
    if target is not None:
        target.errors = [*target.errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def _edit_page(form, save, row, kind: str, title: str, **context):
    """Validate → service → commit → back to the list; errors stay on their field (422)."""
    if form.validate_on_submit():
        try:
            saved = save()
        except svc.ReferenceDataError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(f"{KINDS[kind][4]} « {saved.label} » enregistré(e).", "success")
            return redirect(url_for(KINDS[kind][3]))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("channels/form.html", form=form, row=row, kind=kind, title=title, **context), status


def _form(form_class, row):
    form = form_class(obj=row)
    if row is not None:
        del form.code  # codes are identifiers: set at creation only
    return form


@bp.route("/")
@role_required("admin")
def index():
    return render_template("channels/index.html", counts=queries.reference_counts())


@bp.route("/<any(channels, sites, devices, procedures):kind>/<int:row_id>/<any(deactivate, reactivate):action>",
          methods=["POST"])
@role_required("admin")
def set_active(kind, row_id, action):
    model, deactivate, reactivate, list_endpoint, noun = KINDS[kind]
    row = queries.get_by_id(model, row_id) or abort(404)
    if ActivationForm().validate_on_submit():
        try:
            (deactivate if action == "deactivate" else reactivate)(row, actor=request_actor())
        except svc.ReferenceDataError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            state = "désactivé(e) : retiré(e) des listes de choix" if action == "deactivate" else "réactivé(e)"
            flash(f"{noun} « {row.label} » {state}.", "success")
    back = request.form.get("next", "")
    return redirect(back if back.startswith(bp.url_prefix + "/") else url_for(list_endpoint))


@bp.route("/channels/")
@role_required("admin")
def list_channels():
    return render_template("channels/channels.html", rows=queries.list_channels())


@bp.route("/channels/new", methods=["GET", "POST"])
@bp.route("/channels/<int:channel_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_channel(channel_id=None):
    channel = (queries.get_by_id(Channel, channel_id) or abort(404)) if channel_id else None
    form = _form(ChannelForm, channel)
    sites = queries.list_active_sites(include_id=channel.required_site_id if channel else None)
    form.required_site_id.choices = choices([(0, "Aucun"), *((s.id, s.label) for s in sites)])
    if request.method == "GET" and channel is not None:
        form.required_site_id.data = channel.required_site_id or 0

    def save():
        values = form.values(exclude=("required_site_id",))
        values["required_site"] = queries.get_by_id(Site, form.required_site_id.data)
        if channel is None:
            return svc.create_channel(**values, actor=request_actor())
        svc.update_channel(channel, **values, actor=request_actor())
        return channel

    return _edit_page(form, save, channel, "channels", "Modifier le canal" if channel else "Nouveau canal")


@bp.route("/sites/")
@role_required("admin")
def list_sites():
    return render_template("channels/sites.html", rows=queries.list_sites())


@bp.route("/sites/new", methods=["GET", "POST"])
@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_site(site_id=None):
    site = (queries.get_by_id(Site, site_id) or abort(404)) if site_id else None
    form = _form(SiteForm, site)
    linked = {d.id for d in site.devices} if site else set()
    # "Aucun dispositif" is the absence of a device, not one a site can have: never offered, never kept.
    offered = [d for d in queries.list_devices() if (d.active or d.id in linked) and d.code != NO_DEVICE]
    form.device_ids.choices = choices((d.id, d.label + ("" if d.active else " (désactivé)")) for d in offered)
    if request.method == "GET":
        form.device_ids.data = sorted(linked)

    def save():
        values = form.values(exclude=("device_ids", "devices_changed_on"))
        values["devices"] = [d for d in offered if d.id in set(form.device_ids.data or ())]
        values["devices_on"] = form.devices_changed_on.data
        if site is None:
            return svc.create_site(**values, actor=request_actor())
        svc.update_site(site, **values, actor=request_actor())
        return site

    return _edit_page(form, save, site, "sites", "Modifier le site" if site else "Nouveau site",
                      installations=[i for i in site.installations if i.device.code != NO_DEVICE] if site else [])


@bp.route("/devices/")
@role_required("admin")
def list_devices():
    return render_template("channels/devices.html", rows=queries.list_devices())


@bp.route("/devices/new", methods=["GET", "POST"])
@bp.route("/devices/<int:device_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_device(device_id=None):
    device = (queries.get_by_id(Device, device_id) or abort(404)) if device_id else None
    form = _form(DeviceForm, device)

    def save():
        if device is None:
            return svc.create_device(**form.values(), actor=request_actor())
        svc.update_device(device, **form.values(), actor=request_actor())
        return device

    return _edit_page(form, save, device, "devices", "Modifier le dispositif" if device else "Nouveau dispositif")


@bp.route("/procedures/")
@role_required("admin")
def list_procedures():
    filters = ProcedureFilterForm(request.args)
    filters.validate()
    rows = queries.list_procedures(search=filters.q.data, status=filters.status.data or None,
                                   owner=filters.owner.data or None, availability=filters.availability.data or None)
    return render_template("channels/procedures.html", rows=rows, filters=filters,
                           today=paris_day(utcnow()))


@bp.route("/procedures/new", methods=["GET", "POST"])
@bp.route("/procedures/<int:procedure_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_procedure(procedure_id=None):
    procedure = (queries.get_by_id(Procedure, procedure_id) or abort(404)) if procedure_id else None
    form = _form(ProcedureForm, procedure)
    form.domain.render_kw = {"list": "domain-suggestions", "autocomplete": "off"}

    def save():
        if procedure is None:
            return svc.create_procedure(**form.values(), actor=request_actor())
        svc.update_procedure(procedure, **form.values(), actor=request_actor())
        return procedure

    return _edit_page(form, save, procedure, "procedures",
                      "Modifier la démarche" if procedure else "Nouvelle démarche",
                      domains=queries.list_procedure_domains())


@bp.route("/procedures/import", methods=["GET", "POST"])
@role_required("admin")
def import_procedures():
    form = CatalogueImportForm()
    report = None
    if form.validate_on_submit():
        dry_run = not form.submit.data  # only the "Importer" button writes
        report = import_catalogue(form.file.data.read(), dry_run=dry_run, actor=request_actor())
        if report.ok and not dry_run:
            db.session.commit()
            flash(f"Catalogue importé : {report.summary()}", "success")
            return redirect(url_for("channels.list_procedures"))
        db.session.rollback()
    status = 422 if form.errors or (report and not report.ok) else 200
    return render_template("channels/import.html", form=form, report=report, columns=COLUMNS,
                           max_lines=MAX_LINES), status


@bp.route("/procedures/export.csv")
@role_required("admin")
def export_procedures():
    filename = f"catalogue-demarches-{paris_day(utcnow()).isoformat()}.csv"
    return Response(export_catalogue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
