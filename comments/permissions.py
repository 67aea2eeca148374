"""Who may do what with comments. Small functions; views call them.

Content a user may not see is a 404, so its existence does not leak.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Upper
from django.http import Http404

from accounts.mfa import (
    authenticator_app_exists,
    check_mfa,
    remember_authenticator_app,
)
from comments.models import Comment, CommentStatus
from ldnforum.statements import Slot, Statement

MODERATORS_GROUP = "Moderators"
MODERATE_PERMISSION = "comments.moderate_comment"


class CommentingNotAllowed(PermissionDenied):
    """Raised with a message a member can act on."""


def holds_moderate_permission(user: str, *, or_group: str | None = None) -> Q:
    """is_moderator's rule as a condition a query can carry, for the user in
    field `user` ("pk" on users, "author" on comments): a superuser, or the
    permission through a group or directly. Each test is an EXISTS on one
    index, where joining users to their groups' permissions costs a scan.
    With or_group, membership of that group counts too, in the same EXISTS
    (a third one cost more to compile and plan than the rest together)."""
    User = get_user_model()
    app_label, codename = MODERATE_PERMISSION.split(".")
    ref = OuterRef(user)
    granting = Q(
        group__permissions__codename=codename,
        group__permissions__content_type__app_label=app_label,
    )
    if or_group is not None:
        granting |= Q(group__name=or_group)
    through_group = User.groups.through.objects.filter(granting, user_id=ref)
    directly = User.user_permissions.through.objects.filter(
        user_id=ref,
        permission__codename=codename,
        permission__content_type__app_label=app_label,
    )
    superuser = "is_superuser" if user == "pk" else f"{user}__is_superuser"
    return Q(**{superuser: True}) | Q(Exists(through_group)) | Q(Exists(directly))


def is_moderator(user) -> bool:
    """Whether user holds the moderate permission, directly or through a
    group (as ModelBackend.has_perm decides). Every workbench request asks
    this and, where moderators need two-factor, whether they have an
    authenticator app: one query answers both, once per request."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_moderator", None)
    if cached is None:
        cached = read_moderator(user)[0]
    return cached


def moderator_query(user, *also) -> QuerySet:
    """The values read_moderator reads, for the user with this pk (or a
    Slot for one): whether they moderate, whether they have an
    authenticator app, then the expressions in `also`."""
    return (
        get_user_model()
        .objects.filter(pk=user)
        .values_list(
            ExpressionWrapper(
                holds_moderate_permission("pk"), output_field=BooleanField()
            ),
            authenticator_app_exists(OuterRef("pk")),
            *also,
        )
    )


# Every workbench request asks this (and, with the pending count, every
# page a member opens): compiled once (ldnforum/statements.py).
MODERATOR_STATEMENT = Statement(lambda user: moderator_query(user))


def read_moderator(user, statement: Statement = MODERATOR_STATEMENT):
    """Ask, in one query, whether an active, signed-in non-superuser
    moderates and has an authenticator app, plus what else `statement`
    (built on moderator_query) reads; remember the first two for the rest
    of the request. Returns (moderates, *the other values)."""
    rows = statement.rows(user=user.pk)
    if not rows:
        raise get_user_model().DoesNotExist("The signed-in user no longer exists.")
    moderates, has_app, *values = rows[0]
    user._is_moderator = moderates
    remember_authenticator_app(user, has_app)
    return (moderates, *values)


def verified_addresses(user, email) -> QuerySet[EmailAddress]:
    """The user's verified addresses equal to `email`, compared as iexact
    compares (UPPER of both sides): the one rule posting and the thread
    page share. `user` and `email` may be Slots; SQLite's iexact can't
    take one, as it escapes its value while it compiles."""
    if not isinstance(email, Slot):
        email = Value(email)
    return (
        EmailAddress.objects.filter(user_id=user, verified=True)
        .alias(upper_email=Upper("email"))
        .filter(upper_email=Upper(email))
    )


_VERIFIED_ADDRESS = Statement(
    lambda user, email: verified_addresses(user, email).values_list("pk")[:1],
    fields={"email": CharField()},
)


def has_verified_email(user) -> bool:
    """Whether the account's address is one they have verified."""
    if not user.is_authenticated:
        return False
    return bool(_VERIFIED_ADDRESS.rows(user=user.pk, email=user.email))


def check_can_comment(user, article) -> None:
    """Raise CommentingNotAllowed unless user may post on article now.
    Anonymous users are handled by the view (they are sent to log in)."""
    if not article.is_published:
        raise Http404("No such article.")
    if not article.comments_open:
        raise CommentingNotAllowed("Comments are closed on this article.")
    if not user.is_active:
        raise CommentingNotAllowed("This account can't post.")
    if not has_verified_email(user):
        raise CommentingNotAllowed(
            "Please verify your email address before you comment."
        )
    from comments.moderation import posting_block  # moderation imports us

    block = posting_block(user)
    if block:
        raise CommentingNotAllowed(block)


def check_can_reply_to(parent: Comment, article) -> None:
    """A reply's parent is an approved comment of the same article
    (DESIGN invariant 5)."""
    if parent.article_id != article.pk:
        raise CommentingNotAllowed("That comment belongs to another article.")
    if parent.status != CommentStatus.APPROVED:
        raise CommentingNotAllowed("You can only reply to a published comment.")


def can_see_comment(user, comment: Comment) -> bool:
    if comment.status == CommentStatus.APPROVED:
        return comment.article.is_published or (user.is_authenticated and user.is_staff)
    if comment.status == CommentStatus.PENDING:
        return user.is_authenticated and comment.author_id == user.pk
    return False


def check_can_moderate(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only moderators can do this.")
    check_mfa(user)  # two-factor, where required (accounts.mfa)
