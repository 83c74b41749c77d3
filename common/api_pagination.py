from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


class StrictPageSize:
    """A page_size that is not a whole number from 1 to the maximum is an error the client is told about (400),
    not quietly replaced by the default."""

    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return int(value)


class Pagination(StrictPageSize, PageNumberPagination):
    pass


class HistoryPagination(StrictPageSize, CursorPagination):
    """The status history: pages follow a cursor on the time recorded, newest first, so a page is an index range
    however long the history grows (no count, no offset into millions)."""

    ordering = ("-created_at", "-id")
    page_size = 100


class CommitmentHistoryPagination(HistoryPagination):
    """One commitment's history in the order its page shows it: by the date each update is true as of."""

    ordering = ("-as_of", "-created_at", "-id")
