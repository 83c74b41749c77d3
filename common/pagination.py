"""Paginators for pages over long tables: neither counts the whole history to draw one page."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """Told its count (a total the status service keeps), so drawing a page counts nothing."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


class CappedPaginator(Paginator):
    """Counts at most `CAP` + 1 rows: past the cap it says "more than", and a page of a table of millions costs
    what a page of ten thousand does. (The Django admin takes it too.)"""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP
