"""Today's one-page referral form, posted the way a referrer now makes a referral: the
service, then each section of the draft, then send from check your answers (issue 12)."""

import re
from types import SimpleNamespace

from enablement.catalogue.models import Service, Team
from enablement.referrals.sections import SECTIONS, section_of


def _field(key: str) -> str:
    return re.sub(r"_[0-2]$", "", key) if re.search(r"_on_[0-2]$", key) else key


def refer_in_sections(client, person, form: dict):
    """Posts `form` (the one-page form's fields, with its `destination`) section by section.
    Returns the response that sent the referral (a redirect to it) or, when anything stopped
    it, a page holding every section page that showed a problem and check your answers."""
    kind, _, key = str(form.get("destination", "")).partition(":")
    if kind == "team":
        team = Team.objects.get(pk=int(key))
        service, team_pk = team.service, str(team.pk)
    else:
        service, team_pk = Service.objects.filter(code=key).first(), None
    start = client.post(
        f"/referrals/new/?person={person.pk}", {"service": service.pk if service else "0"}
    )
    if start.status_code != 302:
        return start
    # A new draft opens on its first section: the draft's own address is the part before.
    draft = re.match(r"^/referrals/drafts/\d+/", start.url).group(0)
    pages = []
    for section in SECTIONS:
        data = {
            k: v
            for k, v in form.items()
            if k != "destination" and section_of(_field(k)).slug == section.slug
        }
        if section.slug == "person" and team_pk:
            data["team"] = team_pk
        answered = client.post(f"{draft}{section.slug}/", data)
        if answered.status_code == 200:
            pages.append(answered.content.decode())
    sent = client.post(f"{draft}check/")
    if sent.status_code == 302:
        return sent
    pages.append(sent.content.decode())
    return SimpleNamespace(status_code=200, content="".join(pages).encode(), url=None, draft=draft)
