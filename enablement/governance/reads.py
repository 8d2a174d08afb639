"""Every read of personal data is logged, in one place (docs/adr/0016-every-read-logged.md).

A middleware opens a record of what one request read. The access door registers into it:
`get_person` and `get_referral` as a view, and the querysets of `visible_people` and
`visible_referrals` as a list, row by row *as rows are fetched* — so a page of 25 logs
the 25 people on it, a count logs nobody, and a new page or endpoint that reads people
through the door is logged without a line of its own. The few places that read people
beside the door (the waiting list, the inbox, the access log itself) register what they
show here. After a successful response the middleware writes the whole record through
`governance.services.log_accesses`, in one insert.

An export is one row (its filter, its row count and the people in it), not a row per
person: the export view wraps the rows it writes in `exporting()`.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.query import ModelIterable

from enablement.governance.models import AccessLogEntry

Action = AccessLogEntry.Action

# When one request reads the same record in several ways, its row names the most
# revealing: a person opened on a page that also lists them was viewed.
_RANK = {Action.LIST: 0, Action.SEARCH: 1, Action.VIEW: 2, Action.TIMELINE: 3}
_THROUGH_API = {
    Action.VIEW: Action.API_VIEW,
    Action.LIST: Action.API_LIST,
    Action.SEARCH: Action.API_SEARCH,
}


@dataclass
class Export:
    """One file: how many rows it holds and whose they are."""

    count: int = 0
    people: set[int] = field(default_factory=set)

    def rows(self, rows: Iterable, *, person_of: Callable[[object], int | None]) -> Iterator:
        """The rows, unchanged, each counted and its person noted as it is written."""
        for row in rows:
            self.count += 1
            person_id = person_of(row)
            if person_id is not None:
                self.people.add(person_id)
            yield row


@dataclass
class RequestReads:
    api: bool = False
    seen: dict[tuple[int | None, int | None], str] = field(default_factory=dict)
    exports: list[Export] = field(default_factory=list)
    quiet: int = 0  # inside exporting() or not_shown(): fetches through the door not listed

    def add(self, person_id: int | None, referral_id: int | None, action: str) -> None:
        if self.quiet or person_id is None:
            return
        key = (person_id, referral_id)
        before = self.seen.get(key)
        if before is None or _RANK[action] > _RANK[before]:
            self.seen[key] = action

    def __bool__(self) -> bool:
        return bool(self.seen or self.exports)

    def reads(self):
        from enablement.governance.services import Read

        for (person_id, referral_id), action in self.seen.items():
            if self.api:
                action = _THROUGH_API.get(action, action)
            yield Read(action=action, person_id=person_id, referral_id=referral_id)
        for export in self.exports:
            yield Read(
                action=Action.EXPORT,
                row_count=export.count,
                exported_people=tuple(sorted(export.people)),
            )


_current: ContextVar[RequestReads | None] = ContextVar("enablement_reads", default=None)


def _add(person_id, referral_id, action) -> None:
    reads = _current.get()
    if reads is not None:
        reads.add(person_id, referral_id, action)


# --- What the door and the pages call --------------------------------------------------------


def shown_people(people: Iterable, action: str = Action.LIST) -> None:
    """These people (records or ids) were shown to the user of this request."""
    for person in people:
        _add(getattr(person, "pk", person), None, action)


def shown_referrals(referrals: Iterable, action: str = Action.LIST) -> None:
    """These referrals (with their `person_id`) were shown to the user of this request."""
    for referral in referrals:
        _add(referral.person_id, referral.pk, action)


def viewed(*, person=None, referral=None, action: str = Action.VIEW) -> None:
    if referral is not None:
        _add(referral.person_id, referral.pk, action)
    elif person is not None:
        _add(person.pk, None, action)


def _logging_iterable(kind: str, action: str) -> type[ModelIterable]:
    class Logged(ModelIterable):
        def __iter__(self):
            reads = _current.get()
            for obj in super().__iter__():
                if reads is not None:
                    if kind == "person":
                        reads.add(obj.pk, None, action)
                    else:
                        reads.add(obj.person_id, obj.pk, action)
                yield obj

    Logged.__name__ = f"Logged{kind.title()}{action.title()}Iterable"
    return Logged


_ITERABLES = {
    (kind, action): _logging_iterable(kind, action)
    for kind in ("person", "referral")
    for action in (Action.LIST, Action.SEARCH)
}


def watch(queryset: QuerySet, action: str = Action.LIST) -> QuerySet:
    """The queryset, logging every Person or Referral row it fetches as shown. `values()`,
    `count()` and `exists()` fetch no record and log nothing."""
    kind = {"people.Person": "person", "referrals.Referral": "referral"}[queryset.model._meta.label]
    queryset = queryset.all()
    queryset._iterable_class = _ITERABLES[(kind, action)]
    return queryset


@contextmanager
def not_shown():
    """Records read here to work something out (a filter done in Python) are not listed;
    whatever is then shown is registered when it is fetched again or by the caller."""
    reads = _current.get()
    if reads is not None:
        reads.quiet += 1
    try:
        yield
    finally:
        if reads is not None:
            reads.quiet -= 1


@contextmanager
def exporting():
    """One export: wrap the rows written in `export.rows(...)`. It is logged as one row with
    the request's filter, the number of rows and the people in them."""
    export = Export()
    reads = _current.get()
    if reads is not None:
        reads.quiet += 1
    try:
        yield export
    finally:
        if reads is not None:
            reads.quiet -= 1
            reads.exports.append(export)


# --- The middleware ----------------------------------------------------------------------------


class AccessLogMiddleware:
    """Opens the record of one request's reads and writes it after a successful response.

    Nothing is written for a 4xx or 5xx answer: such a response shows no record. If the
    write fails the request fails, so personal data is never sent without its log row."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads = RequestReads(api=request.path_info.startswith("/api/"))
        token = _current.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if reads and response.status_code < 400:
            user = getattr(request, "user", None)  # the API's token auth sets it too
            if user is not None and user.is_authenticated:
                from enablement.core import clock
                from enablement.governance.services import log_accesses

                log_accesses(
                    user=user,
                    now=clock.now(),
                    path=request.path,
                    query=request.META.get("QUERY_STRING", ""),
                    reads=list(reads.reads()),
                )
        return response
