"""The pure rules before the start."""

from datetime import date

from enablement.casework.rules import meeting_problems, start_problems

TODAY = date(2026, 3, 3)


def test_meeting_may_be_today_or_past_never_future():
    assert meeting_problems(held_on=TODAY, today=TODAY, risk_reviewed=True) == {}
    assert meeting_problems(held_on=date(2026, 3, 1), today=TODAY, risk_reviewed=True) == {}
    assert (
        "today or in the past"
        in meeting_problems(held_on=date(2026, 3, 4), today=TODAY, risk_reviewed=True)["held_on"]
    )


def test_meeting_needs_the_risk_review_first():
    problems = meeting_problems(held_on=TODAY, today=TODAY, risk_reviewed=False)
    assert "reviewed the risk assessments" in problems["__all__"]


def test_meeting_not_before_allocation():
    problems = meeting_problems(
        held_on=date(2026, 2, 1), today=TODAY, risk_reviewed=True, allocated_on=date(2026, 2, 2)
    )
    assert "2 February 2026" in problems["held_on"]


def test_start_needs_review_ready_meeting_and_no_open_issue():
    ok = {"start_on": TODAY, "risk_reviewed": True, "meeting_held_on": TODAY}
    ok["meeting_ready"] = True
    assert start_problems(**ok) == {}
    assert "risk assessments" in start_problems(**ok | {"risk_reviewed": False})["__all__"]
    assert "planning meeting" in start_problems(**ok | {"meeting_held_on": None})["__all__"]
    assert "did not find" in start_problems(**ok | {"meeting_ready": False})["__all__"]
    blocked = start_problems(**ok, open_issues=("access to the property (no key)",))
    assert "access to the property (no key)" in blocked["__all__"]


def test_start_not_before_the_meeting():
    problems = start_problems(
        start_on=date(2026, 3, 1),
        risk_reviewed=True,
        meeting_held_on=date(2026, 3, 2),
        meeting_ready=True,
    )
    assert problems == {
        "start_on": "The start date must be on or after the planning meeting, 2 March 2026"
    }
