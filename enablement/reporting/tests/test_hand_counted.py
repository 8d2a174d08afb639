"""Acceptance (issue 13): every dashboard figure for the factory's data set, read from the
database by the selectors, equals the answer counted by hand from `factory.py`'s tables —
figure by figure, for a provision manager and, with small numbers hidden, a commissioner.

Period: January to March 2025. The working-day calendar is England and Wales'; the
screening clock is 2 working days (received Monday 6 January: due Wednesday 8 January).
"""

from datetime import date

import pytest

from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.reporting import rules, selectors
from enablement.reporting.tests.factory import build

pytestmark = pytest.mark.django_db

START, END = date(2025, 1, 1), date(2025, 3, 31)
TODAY = date(2025, 7, 15)


@pytest.fixture
def data(demo):
    return build(now=demo)


def _figure(data, key, *, service="TA", team=None, suppress=False):
    service = data.services[service]
    teams = {t.pk: t.name for t in service.teams.all()}
    scope = rules.Scope(
        start=START,
        end=END,
        team_id=data.teams[team].pk if team else None,
        suppress=suppress,
        calendar=ENGLAND_AND_WALES,
        today=TODAY,
        team_names=teams,
    )
    spec = rules.FIGURES[key]
    facts = selectors.facts(service, START, END, spec.needs)
    return spec.compute(facts, scope)


def _table(figure):
    return [[c.text for c in row] for row in figure.table.rows]


def test_referrals_received_and_share_accepted(data):
    # Received in Jan: E1 E2 E3 E4 E5 E6 E7 E9 (allocated), Ra (declined), Rb (not ready) = 10,
    #   8 accepted, 2 not: 80%. Re was received in December, so it is not counted here.
    # Feb: E8 E10 E11 E13 accepted, R15 declined, R16 waiting = 6: 4 of 5 decided, 80%.
    # Mar: Rc accepted, Rd waiting = 2: 1 of 1, 100%.
    # Period: 18 received, 13 accepted, 3 not, 2 undecided: 13/16 = 81.25%, shown 81%.
    assert _table(_figure(data, "referrals")) == [
        ["Jan 2025", "10", "8", "2", "0", "80%"],
        ["Feb 2025", "6", "4", "1", "1", "80%"],
        ["Mar 2025", "2", "1", "0", "1", "100%"],
        ["Whole period", "18", "13", "3", "2", "81%"],
    ]


def test_referrals_for_one_team(data):
    # Team A2: E9 (Jan), E10 E11 (Feb), Rd (Mar, waiting).
    assert _table(_figure(data, "referrals", team="A2")) == [
        ["Jan 2025", "1", "1", "0", "0", "100%"],
        ["Feb 2025", "2", "2", "0", "0", "100%"],
        ["Mar 2025", "1", "0", "0", "1", "–"],
        ["Whole period", "4", "3", "0", "1", "100%"],
    ]


def test_referrals_for_a_commissioner_hide_small_counts_and_their_complements(data):
    # Counts 1-4 are hidden; Jan's 8 goes too (else 10 - 0 - 8 gives its 2); Feb's total 6
    # goes too (else 18 - 10 - 2 gives it... with Mar's 2 hidden, the column of totals
    # would hold one hidden cell). Shares go with their parts.
    assert _table(_figure(data, "referrals", suppress=True)) == [
        ["Jan 2025", "10", "*", "*", "0", "*"],
        ["Feb 2025", "*", "*", "*", "*", "*"],
        ["Mar 2025", "*", "*", "0", "*", "*"],
        ["Whole period", "18", "13", "*", "*", "*"],
    ]


def test_waiting_times_to_screening_and_allocation(data):
    # To screening, decided in Jan (11): E1 1, E2 3, E3 2, E4 1, E5 2, E6 1, E7 2, E9 1,
    #   Ra 2, Rb 5, Re 17 (20 Dec to 6 Jan): sorted 1 1 1 1 2 2 2 2 3 5 17, median 2.
    # Feb (5): E8 1, E10 3, E11 1, E13 1, R15 1: median 1.  Mar (1): Rc 1.
    # Period (17): nine 1s, four 2s, two 3s, 5, 17: the 9th is 1.
    # To allocation, allocated in Jan (4): E1 3, E2 11, E3 14, E9 7: median (7+11)/2 = 9.
    # Feb (7): E4 20, E5 21, E6 20, E7 21, E8 20, E10 7, E11 13: median 20.
    # Mar (1): E13 13.  Period (12): 3 7 7 11 13 13 14 20 20 20 21 21: (13+14)/2 = 13.5.
    assert _table(_figure(data, "waiting")) == [
        ["Jan 2025", "11", "2", "4", "9"],
        ["Feb 2025", "5", "1", "7", "20"],
        ["Mar 2025", "1", "1", "1", "13"],
        ["Whole period", "17", "1", "12", "13.5"],
    ]


def test_screening_within_its_clock(data):
    # Jan: late are E2 (due 8 Jan, 9th), Rb (due Fri 17, Mon 20th), Re (received Fri 20 Dec,
    #   due Tue 24 Dec, decided 6 Jan): 8 of 11 on time, 72.7% shown 73%.
    # Feb: E10 late (received Mon 10, due Wed 12, decided Thu 13): 4 of 5, 80%.
    # Mar: Rc on time. Period: 13 of 17, 76.5% shown 76%... 76.47 rounds to 76%.
    assert _table(_figure(data, "screening_clock")) == [
        ["Jan 2025", "11", "8", "3", "73%"],
        ["Feb 2025", "5", "4", "1", "80%"],
        ["Mar 2025", "1", "1", "0", "100%"],
        ["Whole period", "17", "13", "4", "76%"],
    ]


def test_a_service_without_a_screening_clock_says_so(data):
    figure = _figure(data, "screening_clock", service="TB")
    assert figure.notes == ("This service sets no screening clock.",)
    assert _table(figure)[-1] == ["Whole period", "0", "0", "0", "–"]


def test_caseload_ratio_per_worker_and_team(data):
    # On 31 March 2025 (the period's end; E4 closed that day, so it is no longer open):
    # A1 has E6 (W1), E7 E8 E13 (W2): 4 over 1.5 FTE = 2.67, shown 2.7.
    # A2 has E10 E11 (W3): 2 over 1.0 FTE.  All: 6 over 2.5 = 2.4.
    assert _table(_figure(data, "caseload")) == [
        ["Team A1", "Whole team", "1.5", "4", "2.7"],
        ["Team A2", "Whole team", "1", "2", "2.0"],
        ["All teams", "Whole team", "2.5", "6", "2.4"],
        ["Team A1", "Worker W1", "1", "1", "1.0"],
        ["Team A1", "Worker W2", "0.5", "3", "6.0"],
        ["Team A2", "Worker W3", "1", "2", "2.0"],
    ]


def test_caseload_for_a_commissioner_has_no_worker_and_hides_small_teams(data):
    assert _table(_figure(data, "caseload", suppress=True)) == [
        ["Team A1", "Whole team", "1.5", "*", "*"],
        ["Team A2", "Whole team", "1", "*", "*"],
        ["All teams", "Whole team", "2.5", "6", "2.4"],
    ]


def test_episodes_started_and_closed_by_reason(data):
    # Started: Jan E1 E2 E3 E9 (4); Feb E4 E6 E7 E8 E10 E11 (6); Mar E13 (1). E5 never did.
    # Closed: Feb E3 (did not engage), E5 (not ready); Mar E1 E2 E4 E9 (goals achieved).
    figure = _figure(data, "episodes")
    assert figure.table.headers == (
        "Month",
        "Started",
        "Closed: Goals achieved",
        "Closed: Not ready for enablement",
        "Closed: Did not engage",
        "Closed in all",
    )
    assert _table(figure) == [
        ["Jan 2025", "4", "0", "0", "0", "0"],
        ["Feb 2025", "6", "0", "1", "1", "2"],
        ["Mar 2025", "1", "4", "0", "0", "4"],
        ["Whole period", "11", "4", "1", "1", "6"],
    ]


def test_episodes_for_a_commissioner_of_the_second_service(data):
    # TB started: Jan E21-E25 (5), Feb E26 (1): Feb's 1 is hidden, and Jan's 5 with it (the
    # period's 6 would give it). Closed: Feb E21 E22 goals (2); Mar E24 E25 goals, E23
    # declined (3): every count below 5 hidden; the period's 5 closures stay.
    assert _table(_figure(data, "episodes", service="TB", suppress=True)) == [
        ["Jan 2025", "*", "0", "0", "0"],
        ["Feb 2025", "*", "*", "0", "*"],
        ["Mar 2025", "0", "*", "*", "*"],
        ["Whole period", "6", "*", "*", "5"],
    ]


def test_length_of_episode(data):
    # Closed in the period: E3 25 days, E5 9 (allocation to closure: it never started),
    # E4 54, E1 56, E2 57, E9 57. Median of 9 25 54 56 57 57 is (54+56)/2 = 55.
    assert _table(_figure(data, "length")) == [
        ["Up to 4 weeks", "2"],
        ["5 to 8 weeks", "2"],
        ["9 to 12 weeks", "2"],
        ["13 to 16 weeks", "0"],
        ["More than 16 weeks", "0"],
        ["All closed episodes", "6"],
        ["Median length in days", "55"],
    ]


def test_re_referral_within_12_months(data):
    # Feb: E13 (P12, closed 14 Jun 2024) and R15 (P15, closed 17 Feb 2024: exactly 12
    # months before) are re-referrals; R16 (P16, closed 14 Feb 2024) is not: 2 of 6, 33%.
    # Period: 2 of 18, 11%.
    assert _table(_figure(data, "re_referral")) == [
        ["Jan 2025", "10", "0", "10", "0%"],
        ["Feb 2025", "6", "2", "4", "33%"],
        ["Mar 2025", "2", "0", "2", "0%"],
        ["Whole period", "18", "2", "16", "11%"],
    ]


def test_extension_rate(data):
    # Feb: E3, E5 closed, neither extended. Mar: E1, E2 (extended), E4, E9 (extended).
    assert _table(_figure(data, "extensions")) == [
        ["Jan 2025", "0", "0", "0", "–"],
        ["Feb 2025", "2", "0", "2", "0%"],
        ["Mar 2025", "4", "2", "2", "50%"],
        ["Whole period", "6", "2", "4", "33%"],
    ]


def test_missed_visit_rate(data):
    # Jan: E1 20th, 27th; E2 27th; E3 30th (missed); E9 23rd: 1 of 5, 20%.
    # Feb: E1 3rd (missed), 10th; E2 3rd (missed), 17th; E3 6th, 13th (both missed); E4 10th,
    #   24th; E6 17th; E7 24th; E9 6th: 4 of 11, 36%.
    # Mar: E4 10th; E6 3rd (cancelled by the service: not missed), 17th; E8 5th; E10 3rd
    #   (missed): 1 of 5, 20%. E7's visit of 24 March has no outcome yet: not counted.
    # Period: 6 of 21, 28.6% shown 29%.
    assert _table(_figure(data, "missed_visits")) == [
        ["Jan 2025", "5", "1", "4", "20%"],
        ["Feb 2025", "11", "4", "7", "36%"],
        ["Mar 2025", "5", "1", "4", "20%"],
        ["Whole period", "21", "6", "15", "29%"],
    ]


def test_cost_per_episode(data):
    # Feb: E3 and E5 recorded no hours: £0. Mar: E1 5.5 h x £30 = £165, E2 5 h x £30 = £150,
    # E4 6 h x £40 (settings version 2) = £240, E9 5 h x £30 = £150: £705 for 21.5 hours,
    # £176.25 an episode. Period: £705 over 6 episodes, £117.50.
    assert _table(_figure(data, "cost")) == [
        ["Jan 2025", "0", "0", "–", "–"],
        ["Feb 2025", "2", "0", "£0.00", "£0.00"],
        ["Mar 2025", "4", "21.5", "£705.00", "£176.25"],
        ["Whole period", "6", "21.5", "£705.00", "£117.50"],
    ]


def test_cost_for_a_commissioner_hides_the_months_with_few_episodes(data):
    assert _table(_figure(data, "cost", suppress=True)) == [
        ["Jan 2025", "0", "0", "–", "–"],
        ["Feb 2025", "*", "*", "*", "*"],
        ["Mar 2025", "*", "*", "*", "*"],
        ["Whole period", "6", "21.5", "£705.00", "£117.50"],
    ]


def test_person_and_carer_satisfaction(data):
    # Test Alpha's evaluations with rating answers, submitted in the period (E4's is April's,
    # E5's answered only the free-text question):
    # People: Feb E3 (4 4 5: mean 4.33, satisfied); Mar E1 (5 4 4: 4.33, satisfied), E2
    #   (2 3 3: 2.67, not), E9 (5 5 5, satisfied): 36 over 9 answers = 4.0, 2 of 3 = 67%.
    #   Period: 4 evaluations, 49 over 12 = 4.08 shown 4.1, 3 of 4 satisfied = 75%.
    # Carers: Mar E1 (3 3 4: 3.33, not), E9 (4 5 4: 4.33, satisfied): 23 over 6 = 3.83
    #   shown 3.8, 1 of 2 = 50%.
    assert _table(_figure(data, "satisfaction")) == [
        ["Jan 2025", "0", "–", "–", "0", "–", "–"],
        ["Feb 2025", "1", "4.3", "100%", "0", "–", "–"],
        ["Mar 2025", "3", "4.0", "67%", "2", "3.8", "50%"],
        ["Whole period", "4", "4.1", "75%", "2", "3.8", "50%"],
    ]


def test_satisfaction_for_one_team(data):
    # Team A2: only E9's two evaluations, in March.
    assert _table(_figure(data, "satisfaction", team="A2"))[2:] == [
        ["Mar 2025", "1", "5.0", "100%", "1", "4.3", "100%"],
        ["Whole period", "1", "5.0", "100%", "1", "4.3", "100%"],
    ]


def test_satisfaction_for_a_commissioner_hides_every_small_count(data):
    # Counts: Feb 1 person; Mar 3 people, 2 carers; the period's 4 and 2: all below 5, so
    # hidden with their means and shares. Nothing is left that a total would give away.
    assert _table(_figure(data, "satisfaction", suppress=True)) == [
        ["Jan 2025", "0", "–", "–", "0", "–", "–"],
        ["Feb 2025", "*", "*", "*", "0", "–", "–"],
        ["Mar 2025", "*", "*", "*", "*", "*", "*"],
        ["Whole period", "*", "*", "*", "*", "*", "*"],
    ]


def test_employment_and_accommodation_at_start_and_closure(data):
    # Test Alpha closed 6 in the period: E1 E2 E3 E4 E5 E9 (E6 is open and does not count).
    # Paid work: at the start E4 (1 of 6, 17%); at closure E1 E4 E9 (3, 50%).
    # Settled: at the start E1 E4 E9 (3, 50%); at closure those and E2 (4, 67%).
    # Emergency: at the start E2 E3 (2, 33%); at closure E3 E5 (2, 33%). E3's closure the
    #   senior did not agree said paid work and owner occupier: it does not count.
    # Not recorded: E5 never started, so it had no planning meeting (1, 17%).
    assert _table(_figure(data, "status_change")) == [
        ["Closed episodes", "6", "", "6", ""],
        ["In paid work", "1", "17%", "3", "50%"],
        ["Settled accommodation", "3", "50%", "4", "67%"],
        ["Emergency or temporary housing", "2", "33%", "2", "33%"],
        ["Employment not recorded", "1", "17%", "0", "0%"],
        ["Accommodation not recorded", "1", "17%", "0", "0%"],
    ]


def test_status_change_for_a_commissioner(data):
    # Test Beta closed 5: E21-E25, all in emergency or temporary housing at the start and
    # all settled at closure; E21 and E24 in paid work at closure (2: hidden, and its share,
    # since 2 of 5 with the 5 shown gives it). Zero and all-of-five are shown.
    assert _table(_figure(data, "status_change", service="TB", suppress=True)) == [
        ["Closed episodes", "5", "", "5", ""],
        ["In paid work", "0", "0%", "*", "*"],
        ["Settled accommodation", "0", "0%", "5", "100%"],
        ["Emergency or temporary housing", "5", "100%", "0", "0%"],
        ["Employment not recorded", "0", "0%", "0", "0%"],
        ["Accommodation not recorded", "0", "0%", "0", "0%"],
    ]
    # Test Alpha's 6 for a commissioner: every count of 1-4, or 1-4 short of the 6, hidden.
    assert _table(_figure(data, "status_change", suppress=True))[1:3] == [
        ["In paid work", "*", "*", "*", "*"],
        ["Settled accommodation", "*", "*", "*", "*"],
    ]


def test_recovery_and_wellbeing_change(data):
    # Test Alpha's episodes closed in the period, baseline to the latest complete score:
    # Recovery domains: E1 40 -> 55 (+15), E2 50 -> 50 (0, not improved), E4 30 -> 45 (its
    #   review: +15), E9 60 -> 58 (-2): 4 people, means 45.00 -> 52.00, change +7.00, 2 improved
    #   (50%).
    # SWEMWBS: E1 16.88 -> 21.54 (+4.66), E2 20.73 -> 19.98 (-0.75), E4 17.98 -> 23.21 (its
    #   closure score has an item missing, so the review is the latest: +5.23). E3 has only a
    #   baseline, E9 no baseline: left out. 3 people, means 55.59/3 = 18.53 -> 64.73/3 =
    #   21.58, change 9.14/3 = +3.05, 2 improved (67%). E6's scores: it is still open.
    assert _table(_figure(data, "outcome_change")) == [
        ["Recovery domains: the person's rating", "4", "45.00", "52.00", "+7.00", "2", "50%"],
        [
            "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
            "3",
            "18.53",
            "21.58",
            "+3.05",
            "2",
            "67%",
        ],
    ]


def test_outcome_change_for_a_commissioner(data):
    # Test Beta's SWEMWBS: E21 +5.18, E22 +3.10, E23 -1.56, E24 +6.68, E25 +3.23: 5 people,
    # means 89.33/5 = 17.87 -> 105.96/5 = 21.19, change 16.63/5 = +3.33; 4 improved (80%)
    # is hidden with its share (4 is small, and so is the 1 not improved).
    assert _table(_figure(data, "outcome_change", service="TB", suppress=True)) == [
        [
            "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
            "5",
            "17.87",
            "21.19",
            "+3.33",
            "*",
            "*",
        ],
    ]
    # Test Alpha's 4 and 3 people are too few to show anything.
    assert _table(_figure(data, "outcome_change", suppress=True))[0] == [
        "Recovery domains: the person's rating",
        *["*"] * 6,
    ]


def test_compliments_complaints_and_incidents(data):
    # Test Alpha, received or recorded in each month (the December compliment and the April
    # incident are outside; Test Beta's complaint and concern are another service's):
    # Jan: compliment 15th; complaint 20th answered in time (1 of 1); serious incident E1.
    # Feb: compliment 10th; complaints 3rd (late) and 12th (answered on its due day): 1 of
    #   2, 50%; safeguarding E6.
    # Mar: compliments 5th 25th 26th; complaints 20th (overdue, unanswered), 28th (in time),
    #   31st (not due until 31 July: not counted in the share): 1 of 2, 50%; safeguarding
    #   E10, serious incident E9.
    # Period: 5 compliments, 6 complaints, 3 of 5 in time (60%), 2 serious, 2 safeguarding.
    assert _table(_figure(data, "feedback")) == [
        ["Jan 2025", "1", "1", "1", "100%", "1", "0"],
        ["Feb 2025", "1", "2", "1", "50%", "0", "1"],
        ["Mar 2025", "3", "3", "1", "50%", "1", "1"],
        ["Whole period", "5", "6", "3", "60%", "2", "2"],
    ]


def test_feedback_for_one_team_counts_its_incidents_and_the_service_s_complaints(data):
    figure = _figure(data, "feedback", team="A2")
    # A2's incidents: March's safeguarding concern (E10) and serious incident (E9).
    assert _table(figure)[-1] == ["Whole period", "5", "6", "3", "60%", "1", "1"]
    assert figure.notes == (
        "Compliments and complaints are the whole service's: they are not recorded by team.",
    )


def test_feedback_for_a_commissioner(data):
    # Every monthly count is 1-3, hidden; the period's 5 compliments and 6 complaints stay,
    # its 2 serious incidents and 2 concerns go, and so does 3 of 5 in time (3 is small).
    assert _table(_figure(data, "feedback", suppress=True)) == [
        ["Jan 2025", "*", "*", "*", "*", "*", "0"],
        ["Feb 2025", "*", "*", "*", "*", "0", "*"],
        ["Mar 2025", "*", "*", "*", "*", "*", "*"],
        ["Whole period", "5", "6", "*", "*", "*", "*"],
    ]


def test_every_registered_figure_is_counted_here():
    counted = {
        "referrals",
        "waiting",
        "screening_clock",
        "caseload",
        "episodes",
        "length",
        "re_referral",
        "extensions",
        "missed_visits",
        "cost",
        "satisfaction",
        "status_change",
        "outcome_change",
        "feedback",
    }
    assert set(rules.FIGURES) == counted, "add a hand-counted test for the new figure"


@pytest.mark.parametrize("kind", ["evaluations", "statuses", "scores", "feedback", "incidents"])
def test_each_quality_fact_kind_is_one_query(data, django_assert_num_queries, kind):
    with django_assert_num_queries(1):
        rows = selectors.FACT_LOADERS[kind](data.services["TA"], START, END)
    assert rows, "the factory gives every kind some rows in the period"
