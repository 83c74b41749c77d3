"""Sortable tables: the `sort` parameter (a column's key, "-" before it for descending) and the column headers that
set it. Which keys a table has and what each sorts by is the page's; this reads the parameter and writes the links."""

from dataclasses import dataclass

from django.http import QueryDict


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool = False

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key


def sort_asked(value: str | None, keys, default: str) -> Sort:
    """The sort asked for; anything that is not one of `keys` is the default, ascending (an address never fails)."""
    value = (value or "").strip()
    key = value.removeprefix("-")
    return Sort(key, value.startswith("-")) if key in keys else Sort(default)


@dataclass(frozen=True)
class Header:
    label: str
    href: str = ""  # empty: the column does not sort
    sorted: str = ""  # "ascending" or "descending" (aria-sort) on the column the table is sorted by


def sort_headers(columns: list[tuple[str, str | None]], current: Sort, query: QueryDict) -> list[Header]:
    """A header for each (label, key) column; one with a key links to the table sorted by it, ascending, or
    descending when it is sorted by it ascending already. The other parameters (the filters) are kept; the page
    number is not, as the first page of the new order is the one to see."""
    kept = query.copy()
    kept.pop("page", None)
    headers = []
    for label, key in columns:
        if key is None:
            headers.append(Header(label))
            continue
        is_current = key == current.key
        kept["sort"] = Sort(key, descending=is_current and not current.descending).param
        state = ("descending" if current.descending else "ascending") if is_current else ""
        headers.append(Header(label, f"?{kept.urlencode()}", state))
    return headers
