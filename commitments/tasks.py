from celery import shared_task

from commitments.month_ends import close_months


@shared_task
def close_past_months() -> int:
    """Daily: store the picture of each month that has ended (see commitments.month_ends)."""
    return close_months()
