"""Draft referrals (issue 12): a staff referral written section by section, saved as typed,
and submitted from check your answers through `services.submit_referral`, so every rule of
a referral runs as it always has. A draft is its author's alone until then."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enablement.casework import selectors as casework_selectors
from enablement.catalogue.models import Service, Team
from enablement.catalogue.rules import propose_team
from enablement.core.limits import LONG_TEXT
from enablement.referrals import selectors, services
from enablement.referrals.forms import ReferralForm
from enablement.referrals.models import Referral, ReferralDraft
from enablement.referrals.sections import BY_SLUG, SECTIONS, Section

# What is kept of one typed answer: more than any field takes, so a too-long answer comes
# back with its message rather than cut, yet a draft cannot grow without bound.
MAX_ANSWER = 2 * LONG_TEXT
TEAM_MISSING = "Select the team whose area the person lives in"


def referable_services():
    """The services a member of staff refers to directly: those taking referrals from
    someone, not only through another service's front door."""
    return [
        s
        for s in Service.objects.filter(active=True).order_by("name")
        if s.current_settings and s.current_settings.referral_sources
    ]


def chooses_team(service: Service) -> bool:
    return service.current_settings.routing == "direct"


def active_teams(service: Service) -> list[Team]:
    return list(service.teams.filter(active=True).order_by("name"))


def team_proposal(draft: ReferralDraft):
    """The service's team proposed from the person's postcode (`catalogue.rules.propose_team`)."""
    teams = active_teams(draft.service)
    return propose_team([(t.pk, t.postcode_districts) for t in teams], draft.person.postcode)


def chosen_team(draft: ReferralDraft) -> Team | None:
    """The team the draft goes to: the one chosen, else the only one, else the one proposed.
    None for a service with a single point of referral, as the one-page form sent it."""
    if not chooses_team(draft.service):
        return None
    teams = {str(t.pk): t for t in active_teams(draft.service)}
    picked = draft.answers.get("person", {}).get("team")
    if picked is not None:
        return teams.get(picked)
    if len(teams) == 1:
        return next(iter(teams.values()))
    proposed = team_proposal(draft).team_id
    return teams.get(str(proposed)) if proposed else None


class SectionForm(ReferralForm):
    """One section of the referral form: today's fields, rules and messages, fewer of them."""

    def __init__(self, *args, section: Section, draft: ReferralDraft, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in section.fields:
                del self.fields[name]
        if "team" in section.fields and chooses_team(draft.service):
            teams = active_teams(draft.service)
            if len(teams) > 1:
                self.fields["team"] = forms.ChoiceField(
                    label=f"Which {draft.service.name} team covers where they live?",
                    choices=[(str(t.pk), t.name) for t in teams],
                    widget=forms.RadioSelect,
                    required=False,  # the rules say it, with the section's other problems
                    error_messages={"invalid_choice": "Select one of the teams shown"},
                )
        self.order_fields(section.fields)


def posted_keys(form: forms.Form) -> list[str]:
    """The names a form's fields post under (a date posts day, month and year apart)."""
    keys = []
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.MultiWidget):
            keys += [f"{name}_{i}" for i in range(len(field.widget.widgets))]
        else:
            keys.append(name)
    return keys


def typed(form: forms.Form, data) -> dict[str, str]:
    """What was posted for the form's fields, bounded, as the draft keeps it."""
    return {k: str(data[k])[:MAX_ANSWER] for k in posted_keys(form) if k in data}


def merged(draft: ReferralDraft) -> dict[str, str]:
    out: dict[str, str] = {}
    for section in SECTIONS:
        out |= {k: v for k, v in draft.answers.get(section.slug, {}).items() if isinstance(v, str)}
    return out


def last_source(author, service: Service) -> str | None:
    mine = Referral.objects.filter(referrer=author).order_by("-first_submitted_at", "-pk")
    for scope in (mine.filter(service=service), mine):
        source = scope.values_list("source", flat=True).first()
        if source:
            return source
    return None


def section_form(draft: ReferralDraft, section: Section, data=None, *, author) -> SectionForm:
    if data is None and section.slug in draft.answers:
        data = draft.answers[section.slug]
    # A referrer usually refers from the same place: the source of their last referral to
    # this service (else to any) is proposed, shown chosen, and changed when it differs.
    initial = {"named_social_worker": author.pk, "source": last_source(author, draft.service)}
    if data is None and "team" in section.fields:
        team = chosen_team(draft)
        initial["team"] = str(team.pk) if team else None
    return SectionForm(data, initial=initial, section=section, draft=draft)


def _destination(draft: ReferralDraft, team: Team | None) -> str:
    return f"team:{team.pk}" if team else f"service:{draft.service.code}"


def _empty(field):
    if isinstance(field, forms.BooleanField):
        return False
    if isinstance(field, forms.TypedChoiceField | forms.MultiValueField):
        return None
    if isinstance(field, forms.ChoiceField) and any(v == "unknown" for v, _ in field.choices):
        return "unknown"
    return ""


def whole_form(draft: ReferralDraft, team: Team | None) -> ReferralForm:
    """Today's one-page form, filled from every section: what it passes to
    `submit_referral` is what the one page passed."""
    data = merged(draft)
    data["destination"] = _destination(draft, team)
    form = ReferralForm(data)
    form.full_clean()
    # Fields with a mistake count as not given, so the rules can say what else is wrong.
    for name, field in form.fields.items():
        form.cleaned_data.setdefault(name, _empty(field))
    return form


def _messages(errors) -> list[str]:
    return [str(m) for m in (errors if isinstance(errors, list | tuple) else [errors])]


def problems(draft: ReferralDraft, *, now: datetime) -> dict[str, list[str]]:
    """Every problem with the draft, keyed by field: the form's (a date that is no date) and
    the service's rules (what the admin would return it for), all at once."""
    team = chosen_team(draft)
    form = whole_form(draft, team)
    found: dict[str, list[str]] = {
        k: _messages(v) for k, v in form.errors.items() if k != "destination"
    }
    settings = draft.service.current_settings
    if chooses_team(draft.service) and team is None:
        picked = draft.answers.get("person", {}).get("team")
        found.setdefault("team", [TEAM_MISSING if not picked else "Select one of the teams shown"])
    person = draft.person
    current = casework_selectors.open_enablement(
        person.pk, selectors.re_referral_services(draft.service, settings)
    )
    if current is not None:
        found.setdefault("__all__", []).append(
            f"{person.full_name} is already being supported by {current.service.name}, "
            f"allocated on {current.allocated_at:%-d %B %Y}: a new referral can be made once "
            "that enablement has ended"
        )
    values = form.values() | services.previous_end(
        service=draft.service,
        settings=settings,
        person=person,
        typed=form.cleaned_data.get("previous_ended_on"),
        now=now,
    )
    for key, message in services.submission_problems(
        settings=settings,
        values=values,
        risks=form.risks(),
        person=person,
        today=timezone.localdate(now),
    ).items():
        if key not in found:
            found[key] = [message]
        elif key == "__all__":
            found[key].append(message)
    return found


def start(*, author, person, service: Service, now: datetime) -> ReferralDraft:
    """The author's draft for this person and service: the one they started, or a new one."""
    draft = ReferralDraft.objects.filter(author=author, person=person, service=service).first()
    if draft is None:
        draft = ReferralDraft.objects.create(
            author=author, person=person, service=service, created_at=now, updated_at=now
        )
    return draft


def save_section(draft: ReferralDraft, section: Section, answers: dict, *, now) -> ReferralDraft:
    """Keep what was typed in one section, mistakes and all: the referrer comes back to it."""
    with transaction.atomic():
        draft = ReferralDraft.objects.select_for_update().get(pk=draft.pk)
        draft.answers = {
            **{k: v for k, v in draft.answers.items() if k in BY_SLUG},
            section.slug: answers,
        }
        draft.updated_at = now
        draft.row_version += 1
        draft.save(update_fields=["answers", "updated_at", "row_version"])
    return draft


def submit(draft: ReferralDraft, *, actor, now: datetime) -> Referral:
    """Submits the draft as a referral and removes it. Raises ValidationError with every
    problem, keyed by field, when the draft or the rules find any."""
    found = problems(draft, now=now)
    if found:
        raise ValidationError(found)
    team = chosen_team(draft)
    form = whole_form(draft, team)
    with transaction.atomic():
        referral = services.submit_referral(
            service=draft.service,
            team=team,
            person=draft.person,
            values=form.values(),
            risks=form.risks(),
            referrer=actor,
            actor=actor,
            now=now,
        )
        ReferralDraft.objects.filter(pk=draft.pk).delete()
    return referral
