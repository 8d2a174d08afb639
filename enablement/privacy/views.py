from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache

from enablement.accounts import access
from enablement.core import clock
from enablement.core.exports import attachment
from enablement.core.formtools import add_errors
from enablement.governance.models import AccessLogEntry
from enablement.governance.services import log_access, record_event
from enablement.privacy import export, services
from enablement.privacy.forms import LiftHoldForm, PlaceHoldForm
from enablement.privacy.models import LegalHold


def _log_view(request, person, now):
    log_access(
        user=request.user,
        person=person,
        action=AccessLogEntry.Action.VIEW,
        now=now,
        path=request.path,
    )


@never_cache
def subject_access(request, pk):
    person = access.get_person_for_privacy(request.user, pk)
    _log_view(request, person, clock.now())
    return render(request, "privacy/subject_access.html", {"person": person})


def _export(request, pk, *, fmt: str, content_type: str, render_bytes) -> HttpResponse:
    person = access.get_person_for_privacy(request.user, pk)
    now = clock.now()
    with transaction.atomic():
        # Logged before the records are gathered, so the export lists itself.
        log_access(
            user=request.user,
            person=person,
            action=AccessLogEntry.Action.EXPORT,
            now=now,
            path=request.path,
        )
        record_event(
            kind="person.subject_access_export",
            summary=f"Subject access export produced ({fmt.upper()})",
            actor=request.user,
            now=now,
            person=person,
            data={"format": fmt},
        )
    content = render_bytes(export.gather(person, now=now, produced_by=request.user))
    # The file is named by the record's number and the date, never the person's name.
    filename = f"subject-access-person-{person.pk}-{clock.today():%Y-%m-%d}.{fmt}"
    response = attachment(content, content_type, filename)
    add_never_cache_headers(response)
    return response


def export_json(request, pk):
    return _export(
        request,
        pk,
        fmt="json",
        content_type="application/json; charset=utf-8",
        render_bytes=export.as_json_bytes,
    )


def export_pdf(request, pk):
    return _export(
        request, pk, fmt="pdf", content_type="application/pdf", render_bytes=export.as_pdf_bytes
    )


def _lift_form(hold, data=None) -> LiftHoldForm:
    # One form per hold in place, each with its own field ids.
    return LiftHoldForm(data, prefix=f"hold-{hold.pk}")


def _hold_page(request, person, *, form=None, lift_form=None):
    holds = list(LegalHold.objects.filter(person=person).select_related("placed_by", "lifted_by"))
    for hold in holds:
        if hold.in_place:
            same = lift_form is not None and lift_form.prefix == f"hold-{hold.pk}"
            hold.lift_form = lift_form if same else _lift_form(hold)
    return render(
        request,
        "privacy/legal_hold.html",
        {
            "person": person,
            "holds": holds,
            "decision": services.retention_decision(person, now=clock.now()),
            "form": form or PlaceHoldForm(),
            # The error summary shows whichever form was sent.
            "errors_form": lift_form if lift_form is not None else form,
            "periods": services.periods_from_settings(),
        },
    )


@never_cache
def legal_hold(request, pk):
    person = access.get_person_for_privacy(request.user, pk)
    now = clock.now()
    if request.method != "POST":
        _log_view(request, person, now)
        return _hold_page(request, person)
    form = PlaceHoldForm(request.POST)
    if form.is_valid():
        try:
            services.place_hold(
                person=person, reason=form.cleaned_data["reason"], actor=request.user, now=now
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Legal hold placed")
            return redirect("privacy:legal-hold", pk=person.pk)
    return _hold_page(request, person, form=form)


@never_cache
def lift(request, pk, hold_pk):
    person = access.get_person_for_privacy(request.user, pk)
    try:
        hold = LegalHold.objects.get(pk=hold_pk, person=person)
    except LegalHold.DoesNotExist as exc:
        raise Http404 from exc
    if request.method != "POST":
        return redirect("privacy:legal-hold", pk=person.pk)
    form = _lift_form(hold, request.POST)
    if form.is_valid():
        try:
            services.lift_hold(
                hold=hold,
                reason=form.cleaned_data["lift_reason"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Legal hold lifted")
            return redirect("privacy:legal-hold", pk=person.pk)
    return _hold_page(request, person, lift_form=form)
