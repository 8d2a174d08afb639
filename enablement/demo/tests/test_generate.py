"""The synthetic data generator (bench/generate.py, issue 14 item 5) at a small size: the
data must look as if the product wrote it, so the product's own checks find nothing to
correct, and the same seed must give the same rows."""

from django.db import connection, transaction
from django.db.models import Count, Q

from bench.generate import checksum, generate
from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode, EpisodeStatus
from enablement.casework.services import recompute_open_episode_clocks
from enablement.catalogue.models import StaffMember
from enablement.governance import chain
from enablement.referrals.models import Referral, StatusTally
from enablement.referrals.rules import Status
from enablement.referrals.services import recompute_deadlines
from enablement.referrals.tests.test_tally import _counted, _tallied

SMALL = {"teams_per_service": 3, "staff_per_team": 6, "progress": False, "migrate": False}


class _Undo(Exception):
    pass


def _digest_of_a_run(now, seed: int, referrals: int) -> str:
    """Generates, reads the checksum, and rolls the whole run back."""
    digest = None
    try:
        with transaction.atomic():
            generate(referrals=referrals, seed=seed, now=now, **SMALL)
            digest = checksum(connection)
            raise _Undo
    except _Undo:
        pass
    return digest


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(demo):
    first = _digest_of_a_run(demo, seed=1, referrals=600)
    again = _digest_of_a_run(demo, seed=1, referrals=600)
    other = _digest_of_a_run(demo, seed=2, referrals=600)
    assert first == again
    assert other != first


def test_generated_data_is_what_the_product_would_have_written(demo, client_for):
    written = generate(referrals=3000, seed=1, now=demo, **SMALL)
    assert written["referrals_referral"] == 3000
    generated = Referral.objects.filter(reference__startswith="G-")
    assert generated.count() == 3000
    # Every front-door state and every enablement state is there.
    assert set(generated.values_list("status", flat=True)) == {s.value for s in Status}
    episodes = Episode.objects.filter(referral__reference__startswith="G-")
    assert set(episodes.values_list("status", flat=True)) == set(EpisodeStatus.values)
    # Most referrals ended long ago; a few percent wait at the front door.
    counts = dict(generated.values_list("status").annotate(n=Count("id")))
    assert counts["allocated"] > 1500
    assert counts["submitted"] < 150
    # The stored clocks are the rules' answers: recomputing them changes nothing.
    checked, changed = recompute_deadlines()
    assert checked > 50
    assert changed == 0
    checked, changed = recompute_open_episode_clocks()
    assert checked > 20
    assert changed == 0
    # The tally counted the bulk-loaded referrals as the referrals' own triggers would, and
    # was folded to a row per place and status (ADR 0047).
    counted = _counted()
    assert _tallied() == counted
    assert StatusTally.objects.count() == len(counted)
    # The audit chain holds over the rows written in bulk.
    for model in chain.audit_models():
        rows, broken = chain.verify_table(model)
        assert broken is None, str(broken)
        assert rows > 3000
    # No generated worker holds more open enablements than their caseload allows.
    workers = (
        StaffMember.objects.filter(user__username__startswith="gen.")
        .annotate(open=Count("episodes", filter=Q(episodes__status__in=OPEN_EPISODE_STATUSES)))
        .select_related("team__service")
    )
    assert any(w.open for w in workers)
    for worker in workers:
        allowed = int(worker.team.service.current_settings.caseload_per_fte * worker.fte)
        assert worker.open <= allowed, (worker.user.username, worker.open, allowed)
    # Pages read it as they read what the product wrote.
    quality = client_for("quality_manager")
    assert quality.get("/referrals/").status_code == 200
    person = episodes.filter(status=EpisodeStatus.CLOSED).order_by("pk").first().person
    response = quality.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    assert person.family_name in response.content.decode()
    # A second call with the size already there does nothing.
    assert generate(referrals=3000, seed=1, now=demo, **SMALL) == {}
