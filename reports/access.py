"""Who may see what reads across partnerships."""

from dialogues.access import sees_all_meetings


def user_may_see_portfolio(user) -> bool:
    """Analysts, reviewers and administrators: the portfolio names every partnership's next dialogue, and they are
    the people who see every meeting (dialogues.access). An official works in the partnership of their own
    organisation, whose dashboard is theirs."""
    return bool(user and user.is_authenticated and sees_all_meetings(user))
