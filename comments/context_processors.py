from comments.permissions import is_moderator
from comments.selectors import pending_count


def moderation(request):
    """The pending count in the navigation, for moderators only."""
    user = getattr(request, "user", None)
    if user is None or not is_moderator(user):
        return {}
    # The workbench has counted its tabs already; don't count twice.
    count = getattr(request, "moderation_pending_count", None)
    return {"moderation_pending_count": pending_count() if count is None else count}
