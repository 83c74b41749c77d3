from rest_framework.pagination import CursorPagination, PageNumberPagination


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000


class HistoryPagination(CursorPagination):
    """The status history: pages follow a cursor on the time recorded, newest first, so a page is an index range
    however long the history grows (no count, no offset into millions)."""

    ordering = ("-created_at", "-id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class CommitmentHistoryPagination(HistoryPagination):
    """One commitment's history in the order its page shows it: by the date each update is true as of."""

    ordering = ("-as_of", "-created_at", "-id")
