"""The demo's evaluation and feedback: each service's complaints procedure, evaluation
questions and the analysis themes (always, as configuration), and a few compliments,
complaints, evaluations, incidents and partner feedback (with the enablements) so the
pages show something. Written through the action functions, at moments before `now`, so
due dates, events and messages are as the actions write them. Running it again changes
nothing."""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model

from enablement.casework.models import Episode, EpisodeStatus
from enablement.catalogue.models import Service
from enablement.feedback import services
from enablement.feedback.models import (
    Channel,
    EvaluationQuestion,
    Feedback,
    FeedbackSettings,
    Incident,
    PartnerFeedback,
    Theme,
)

KENT_PROCEDURE = (
    "In the event of a complaint being received about enablement services, Kent County "
    "Council's Kent Adult Social Care Complaints Procedure is followed. More information is "
    "in the KCC Customer Feedback Policy."
)
# Seed 000 §13 and seed 001 §19 give Kent's procedure and contact details; no seed gives a
# number of working days, so these are the demo's own values (shown as such).
KENT = {
    "complaints_procedure": KENT_PROCEDURE,
    "complaints_email": "complaintsteamadults@kent.gov.uk",
    "complaints_phone": "03000 410410",
    "complaints_textphone": "08001 03000 410410",
    "acknowledge_working_days": 3,
    "respond_working_days": 20,
    "sources": {
        "complaints_procedure": "seed 000 §13; seed 001 §19",
        "working_days": "demo value: the seeds give none",
    },
}
BARNET = {
    "complaints_procedure": "Complaints about the Barnet Enablement Pathway follow the "
    "London Borough of Barnet's adult social care complaints procedure.",
    "complaints_email": "complaints@barnet.example.invalid",
    "complaints_phone": "020 7946 0999",
    "complaints_textphone": "",
    "acknowledge_working_days": 3,
    "respond_working_days": 20,
    "sources": {"all": "demo values: seed 003 names complaints as a measure only"},
}

PERSON_QUESTIONS = [
    ("rating", "Overall, how satisfied are you with the support you received?"),
    ("rating", "How well did the service help you work towards your goals?"),
    ("rating", "How well did the staff listen to you and respect your choices?"),
    ("text", "What went well?"),
    ("text", "What could we have done better?"),
]
CARER_QUESTIONS = [
    ("rating", "Overall, how satisfied are you with the support the person you care for received?"),
    ("rating", "How well were you involved and kept informed?"),
    ("text", "What went well?"),
    ("text", "What could we have done better?"),
]
THEMES = [
    ("Staff attitude", "How staff treated people: listening, respect, kindness"),
    ("Goals and progress", "Whether the support helped towards the goals"),
    ("Communication", "Being kept informed, phone calls, letters"),
    ("Access and waiting", "How long it took to start, how easy it was to reach us"),
    ("Length of support", "Whether the weeks of support were enough"),
    ("Activities and groups", "Groups, workshops and activities used"),
    ("Involving carers", "How carers and family were involved"),
]


def load_feedback_setup(*, now: datetime) -> None:
    """Procedures, questions and themes: the configuration the public form and the portal
    need, loaded with every demo."""
    for service in Service.objects.all():
        if services.current_procedure(service) is None:
            values = BARNET if service.organisation.startswith("London Borough") else KENT
            # Written directly, as the first version of a service's settings is: an event
            # per service here would change what every other test counts in the demo.
            FeedbackSettings.objects.create(
                service=service, version=1, created_at=now, change_note="Demo", **values
            )
        for audience, questions in (("person", PERSON_QUESTIONS), ("carer", CARER_QUESTIONS)):
            if not EvaluationQuestion.objects.filter(service=service, audience=audience).exists():
                EvaluationQuestion.objects.bulk_create(
                    EvaluationQuestion(
                        service=service, audience=audience, position=i, kind=kind, text=text
                    )
                    for i, (kind, text) in enumerate(questions, start=1)
                )
    for name, description in THEMES:
        Theme.objects.get_or_create(name=name, defaults={"description": description})


def _answers(service, audience, ratings, texts):
    qs = services.questions_for(service, audience)
    r, t = iter(ratings), iter(texts)
    return {q.pk: (next(r) if q.kind == "rating" else next(t)) for q in qs}


def load_feedback_examples(*, now: datetime) -> None:
    """A few of each, so every page shows something. After the enablements."""
    if Feedback.objects.exists():
        return
    users = get_user_model().objects
    worker, senior, pm = (users.get(username=u) for u in ("worker.east", "senior.east", "pm.kers"))
    kers = Service.objects.get(code="KERS")
    ben = Service.objects.get(code="BEN")
    d = timedelta(days=1)
    # Complaints: one overdue and unacknowledged, one acknowledged, one answered.
    services.receive_feedback(
        service=kers,
        kind="complaint",
        values={
            "received_how": "phone",
            "from_whom": "carer",
            "from_name": "Dana Sample",
            "contact_phone": "01632 960999",
            "summary": "Three visits were cancelled at short notice and nobody told us why.",
        },
        actor=worker,
        now=now - 30 * d,
    )
    acknowledged = services.receive_feedback(
        service=kers,
        kind="complaint",
        values={
            "received_how": "public_form",
            "from_whom": "person",
            "from_name": "Lee Fictional",
            "contact_email": "lee@example.invalid",
            "summary": "I waited five weeks for my first visit after the referral was accepted.",
        },
        actor=None,
        now=now - 4 * d,
    )
    services.acknowledge_complaint(feedback=acknowledged, actor=pm, now=now - 3 * d)
    answered = services.receive_feedback(
        service=ben,
        kind="complaint",
        values={
            "received_how": "email",
            "from_whom": "professional",
            "from_name": "A GP practice",
            "contact_email": "practice@example.invalid",
            "summary": "We were not told the outcome of our referral.",
        },
        actor=None,
        now=now - 40 * d,
    )
    services.respond_to_complaint(
        feedback=answered,
        response="We apologised and now copy every decision to the referring practice.",
        actor=users.get(username="quality"),
        now=now - 30 * d,
    )
    for service, text, days in (
        (kers, "Wren helped my son get back on the bus to college. Thank you.", 12),
        (ben, "The New Skills group was the best thing I did this year.", 20),
    ):
        services.receive_feedback(
            service=service,
            kind="compliment",
            values={"received_how": "letter", "from_whom": "carer", "summary": text},
            actor=senior,
            now=now - days * d,
        )
    # Evaluations of the closed enablements.
    themes = {t.name: t for t in Theme.objects.all()}
    closed = Episode.objects.filter(status=EpisodeStatus.CLOSED).select_related("service")
    examples = [
        (
            "person",
            Channel.LINK,
            [5, 4, 5],
            [
                "Wren listened and never rushed me. I can get to the peer group alone now.",
                "It took a long time to get the first visit.",
            ],
            [["Staff attitude", "Goals and progress"], ["Access and waiting"]],
        ),
        (
            "carer",
            Channel.PAPER,
            [4, 3],
            ["The plan was clear and we had a copy.", "Phone us back when you say you will."],
            [["Communication"], ["Communication"]],
        ),
    ]
    for episode in closed:
        for audience, channel, ratings, texts, tags in examples:
            evaluation = services._submit(
                episode=episode,
                audience=audience,
                channel=channel,
                answers=_answers(episode.service, audience, ratings, texts),
                actor=worker if channel == Channel.PAPER else None,
                now=now - 5 * d,
            )
            text_answers = evaluation.answers.filter(question__kind="text").order_by(
                "question__position"
            )
            for answer, names in zip(text_answers, tags, strict=False):
                answer.themes.set([themes[n] for n in names])
    # A serious incident and a safeguarding concern, told to the senior and the manager.
    for family, kind, text in (
        (
            "Overdue",
            "serious_incident",
            "Fell on the stairs at home during a visit; ambulance called, no fracture.",
        ),
        ("Paused", "safeguarding", "Said a neighbour is taking money from them each week."),
    ):
        episode = Episode.objects.filter(person__family_name=family).first()
        if episode is None or Incident.objects.filter(episode=episode).exists():
            continue
        services.record_incident(
            kind=kind,
            referral=episode.referral,
            episode=episode,
            values={
                "occurred_on": (now - 2 * d).date(),
                "description": text,
                "action_taken": "Named social worker told the same day",
            },
            actor=worker,
            now=now - 2 * d,
        )
    if not PartnerFeedback.objects.exists():
        services.record_partner_feedback(
            service=kers,
            values={
                "agency": "Canterbury Community Mental Health Team",
                "received_on": date.fromordinal((now - 7 * d).date().toordinal()),
                "feedback": "Referrals are screened quickly and the outcomes forms are useful.",
            },
            actor=pm,
            now=now - 7 * d,
        )
