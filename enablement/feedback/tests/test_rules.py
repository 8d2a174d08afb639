"""The pure rules of evaluation and feedback."""

from datetime import UTC, date, datetime, timedelta

import pytest

from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.feedback import rules

CAL = ENGLAND_AND_WALES


def test_complaint_received_before_easter_skips_good_friday_and_easter_monday():
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are holidays.
    due = rules.complaint_due(date(2026, 4, 2), acknowledge_days=3, respond_days=20, calendar=CAL)
    assert due.acknowledge == date(2026, 4, 9)
    # 20 working days also skip the early May bank holiday (Monday 4 May 2026).
    assert due.respond == date(2026, 5, 5)


def test_complaint_received_at_the_weekend_counts_from_monday():
    due = rules.complaint_due(date(2026, 3, 7), acknowledge_days=1, respond_days=5, calendar=CAL)
    assert due == rules.DueDates(acknowledge=date(2026, 3, 9), respond=date(2026, 3, 13))


@pytest.mark.parametrize(
    "today,label",
    [
        (date(2026, 4, 8), "Due in 1 working day"),
        (date(2026, 4, 2), "Due in 3 working days"),
        (date(2026, 4, 9), "Due today"),
        (date(2026, 4, 10), "Overdue by 1 working day"),
        (date(2026, 4, 13), "Overdue by 2 working days"),
        # A weekend day after the due Friday: overdue, though no working day has passed.
        (date(2026, 4, 11), "Overdue by 1 working day"),
    ],
)
def test_due_label(today, label):
    assert rules.due_label(due=date(2026, 4, 9), done=False, today=today, calendar=CAL) == label


def test_due_label_done_and_no_date():
    assert rules.due_label(
        due=date(2026, 1, 1), done=True, today=date(2026, 4, 1), calendar=CAL
    ) == ("Done")
    assert rules.due_label(due=None, done=False, today=date(2026, 4, 1), calendar=CAL) == ""


NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_link_is_open_until_its_expiry_then_expired():
    expires = NOW + timedelta(days=28)
    assert rules.link_state(expires_at=expires, used_at=None, now=NOW) == "open"
    assert rules.link_state(
        expires_at=expires, used_at=None, now=expires - timedelta(seconds=1)
    ) == ("open")
    assert rules.link_state(expires_at=expires, used_at=None, now=expires) == "expired"


def test_a_used_link_says_used_even_after_expiry():
    expires = NOW + timedelta(days=28)
    assert rules.link_state(expires_at=expires, used_at=NOW, now=NOW) == "used"
    assert rules.link_state(expires_at=expires, used_at=NOW, now=expires + timedelta(days=9)) == (
        "used"
    )


def test_token_hash_is_stable_and_not_the_token():
    token = "abc123"
    assert rules.hash_token(token) == rules.hash_token(token)
    assert token not in rules.hash_token(token)
    assert rules.hash_token(token) != rules.hash_token("abc124")
    assert len(rules.hash_token(token)) == 64


QUESTIONS = [rules.Question(1, "rating", "Overall?"), rules.Question(2, "text", "Better?")]


@pytest.mark.parametrize("value", [None, "", "0", "6", "x"])
def test_a_rating_must_be_1_to_5(value):
    assert rules.answer_problems(QUESTIONS, {1: value, 2: ""}) == {
        "q1": "Choose an answer from 1 to 5: Overall?"
    }


@pytest.mark.parametrize("value", ["1", "5", 3])
def test_free_text_may_be_empty(value):
    assert rules.answer_problems(QUESTIONS, {1: value}) == {}


def test_procedure_problems():
    good = {
        "complaints_procedure": "Follow the council's procedure",
        "complaints_phone": "03000 410410",
        "acknowledge_working_days": 3,
        "respond_working_days": 20,
    }
    assert rules.procedure_problems(good) == {}
    assert set(rules.procedure_problems({**good, "complaints_phone": ""})) == {"complaints_email"}
    assert set(rules.procedure_problems({**good, "complaints_procedure": " "})) == {
        "complaints_procedure"
    }
    assert rules.procedure_problems({**good, "respond_working_days": 2}) == {
        "respond_working_days": "The response cannot be due before the acknowledgement"
    }
    assert set(rules.procedure_problems({**good, "acknowledge_working_days": 0})) == {
        "acknowledge_working_days"
    }
    assert set(rules.procedure_problems({**good, "respond_working_days": None})) == {
        "respond_working_days"
    }


def test_mean_rating():
    assert rules.mean_rating([]) is None
    assert rules.mean_rating([5, 4, 4]) == 4.3
