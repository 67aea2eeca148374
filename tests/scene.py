"""One forum with something on every page, for the page-wide audits (axe in
the browser, the HTML validator): a thread as deep as the cap allows with the
article's author answering, a member's own pending comment, a placeholder
that holds replies, reported comments and a queue with work in it."""

from dataclasses import dataclass, field

from django.conf import settings

from comments import services
from comments.models import Comment


@dataclass
class Scene:
    article: object
    author: object  # the article's author, who replies in the thread
    member: object  # Pat, whose own comment awaits moderation
    hannah: object
    moderator: object
    chain: list[Comment] = field(default_factory=list)  # top to deepest
    pending_own: Comment | None = None
    reported: Comment | None = None
    placeholder: Comment | None = None


def build_scene(*, article, author, member, moderator, user_factory, comment_factory):
    hannah = user_factory(display_name="Hannah K.")
    sam = user_factory(display_name="Sam from Cardiff")
    scene = Scene(
        article=article,
        author=author,
        member=member,
        hannah=hannah,
        moderator=moderator,
    )
    speakers = [hannah, author, member, sam]
    parent = None
    # One past the cap: the last reply attaches at the cap.
    for depth in range(settings.COMMENTS_MAX_DEPTH + 1):
        parent = comment_factory(
            article=article,
            author=speakers[depth % len(speakers)],
            parent=parent,
            body=(
                f"Reply at level {depth + 1}. I started on 1.5 mg at night.\n\n"
                "Sleep was odd for two weeks, then settled. More here: "
                "https://example.org/ldn-notes"
            ),
        )
        scene.chain.append(parent)
    taken_back = comment_factory(
        article=article, author=sam, body="A story I took back later."
    )
    comment_factory(
        article=article,
        author=hannah,
        parent=taken_back,
        body="Thank you for sharing this.",
    )
    # Deleted with a reply under it: it stays as a placeholder.
    scene.placeholder = services.comment_delete(comment=taken_back, user=sam)
    scene.pending_own = comment_factory(
        article=article,
        author=member,
        body="My first month on LDN: fewer bad days.",
        status="pending",
    )
    scene.reported = comment_factory(
        article=article, author=sam, body="Buy LDN cheap at my shop."
    )
    services.comment_report(
        comment=scene.reported,
        reporter=hannah,
        reason="spam",
        note="Looks like an advert.",
    )
    # Three reporters hide a comment until a moderator looks at it.
    hidden = comment_factory(article=article, author=sam, body="Stop your drugs.")
    for reporter in (hannah, member, user_factory()):
        services.comment_report(
            comment=hidden, reporter=reporter, reason="misinformation"
        )
    comment_factory(
        article=article,
        author=user_factory(display_name="New Nina"),
        body="Has anyone tried it with fingolimod?",
        status="pending",
    )
    return scene
