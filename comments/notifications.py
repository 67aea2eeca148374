"""Who hears about what, by email, after a moderation event commits."""


def events_committed(event_ids: list[int]) -> None:
    """Called once per committed transaction with the ModerationEvents it
    wrote, in order."""
