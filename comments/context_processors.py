from comments.selectors import navigation_pending_count


def moderation(request):
    """The pending count in the navigation, for moderators only."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    # The workbench has counted its tabs already; don't count twice.
    count = getattr(request, "moderation_pending_count", None)
    if count is None:
        count = navigation_pending_count(user)
    return {} if count is None else {"moderation_pending_count": count}
