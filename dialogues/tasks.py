from celery import shared_task

from dialogues.reminders import send_due_reminders


@shared_task(acks_late=True)
def sweep_reminders() -> dict:
    """Beat's tick: everything due goes out once (see dialogues.reminders)."""
    return send_due_reminders().as_dict()
