from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from enablement.core import counting


class Pages(PageNumberPagination):
    """Page numbers with a ceiling: a page beyond any real list is an empty page, and an
    absurd number is a 422 rather than an offset the database cannot hold.

    The count stops at `counting.CEILING` (with `more` true beyond it), because an exact
    count of a quality manager's million referrals costs a whole-table scan on every page
    (issue 14 item 2); a client walks pages until one comes back short. A list may come
    counted (`counted`, a `counting.Count`), as the referrals do from their tally."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=100)

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Items in the list, or the ceiling when `more` is true")
        more: bool = Field(
            False, description=f"True when there are more than `count` ({counting.CEILING:,})"
        )

    def paginate_queryset(self, queryset, pagination: Input, request, **params) -> Any:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        items = queryset[offset : offset + page_size]
        # A list that was counted already (referrals, from their tally): the same ceiling.
        counted = getattr(queryset, "counted", None)
        try:
            if counted is not None:
                count = counting.bounded(counted.n + counted.more, counting.CEILING)
            else:
                count = counting.bounded_count(queryset, counting.CEILING)
        except AttributeError:  # a list rather than a queryset
            count = counting.bounded(len(queryset), counting.CEILING)
        return {self.items_attribute: items, "count": count.n, "more": count.more}
