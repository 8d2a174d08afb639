from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from enablement.accounts import access
from enablement.api.pagination import Pages
from enablement.api.schemas import PathId, responses
from enablement.catalogue.vocab import DiagnosisCategory
from enablement.core import clock
from enablement.governance import reads
from enablement.governance.selectors import timeline_for
from enablement.people import selectors, services

router = Router(tags=["people"])


class CarerOut(Schema):
    id: int
    name: str
    relationship: str
    phone: str
    email: str
    lives_with_person: bool


class PersonOut(Schema):
    id: int
    nhs_number: str | None
    case_system_id: str | None
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: date
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    phone: str
    email: str
    primary_diagnosis: DiagnosisCategory
    communication_needs: str
    team: str | None = Field(None, alias="registered_team.name")
    carers: list[CarerOut] = []

    @staticmethod
    def resolve_carers(obj):
        return list(obj.carers.all())


class PersonSummary(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: date
    nhs_number: str | None


class PersonIn(Schema):
    given_name: str = Field(..., max_length=100)
    family_name: str = Field(..., max_length=100)
    date_of_birth: date
    primary_diagnosis: DiagnosisCategory
    nhs_number: str | None = Field(None, max_length=14)
    case_system_id: str | None = Field(None, max_length=30)
    preferred_name: str = Field("", max_length=100)
    address_line_1: str = Field("", max_length=200)
    address_line_2: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    communication_needs: str = Field("", max_length=5000)


class PersonPatch(Schema):
    given_name: str | None = Field(None, max_length=100)
    family_name: str | None = Field(None, max_length=100)
    date_of_birth: date | None = None
    primary_diagnosis: DiagnosisCategory | None = None
    nhs_number: str | None = Field(None, max_length=14)
    case_system_id: str | None = Field(None, max_length=30)
    preferred_name: str | None = Field(None, max_length=100)
    address_line_1: str | None = Field(None, max_length=200)
    address_line_2: str | None = Field(None, max_length=200)
    town: str | None = Field(None, max_length=100)
    postcode: str | None = Field(None, max_length=10)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    communication_needs: str | None = Field(None, max_length=5000)


class CarerIn(Schema):
    name: str = Field(..., max_length=200)
    relationship: str = Field(..., max_length=100)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    lives_with_person: bool = False


class EventOut(Schema):
    id: int
    occurred_at: datetime
    kind: str
    summary: str
    actor: str | None

    @staticmethod
    def resolve_actor(obj):
        return str(obj.actor) if obj.actor else None


class SearchQuery(Schema):
    q: str = Field("", max_length=100, description="Name, NHS number or date of birth")


def _person(request, pk, *, change=False):
    if not request.auth.has_perm("people.view_person"):
        raise PermissionDenied
    return access.get_person(request.auth, pk, change=change)


@router.get("", response=responses({200: list[PersonSummary]}), summary="Search people you may see")
@paginate(Pages, page_size=50)
def list_people(request, filters: Query[SearchQuery]):
    if not request.auth.has_perm("people.view_person"):
        raise PermissionDenied
    return selectors.search_people(request.auth, filters.q)


@router.post("", response=responses({201: PersonOut}), summary="Record a person")
def create_person(request, payload: PersonIn):
    if not request.auth.has_perm("people.add_person"):
        raise PermissionDenied
    staff = getattr(request.auth, "staff", None)
    person = services.person_record(
        values=payload.dict(),
        actor=request.auth,
        now=clock.now(),
        team=staff.team if staff else None,
    )
    reads.viewed(person=person)  # the answer is the record: a read like any other
    return Status(201, person)


@router.get("/{person_id}", response=responses({200: PersonOut}), summary="One person")
def get_person(request, person_id: PathId):
    return _person(request, person_id)  # logged as read by the door


@router.patch(
    "/{person_id}", response=responses({200: PersonOut}), summary="Change a person's details"
)
def patch_person(request, person_id: PathId, payload: PersonPatch):
    person = _person(request, person_id, change=True)
    values = payload.dict(exclude_unset=True)
    return services.person_update(person=person, values=values, actor=request.auth, now=clock.now())


@router.post("/{person_id}/carers", response=responses({201: CarerOut}), summary="Add a carer")
def add_carer(request, person_id: PathId, payload: CarerIn):
    person = _person(request, person_id, change=True)
    carer = services.carer_add(
        person=person, values=payload.dict(), actor=request.auth, now=clock.now()
    )
    return Status(201, carer)


@router.get(
    "/{person_id}/timeline",
    response=responses({200: list[EventOut]}),
    summary="The person's timeline of events",
)
def timeline(request, person_id: PathId):
    person = _person(request, person_id)
    reads.viewed(person=person, action=reads.Action.TIMELINE)
    return list(timeline_for(person)[:500])
