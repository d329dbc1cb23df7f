"""The poster's proof that a pending comment is theirs: a signed comment id in the URL.

After posting, the reader is sent to the article with ``?comment=<receipt>``; only with a
valid receipt does the page show their comment marked as awaiting moderation. No cookie or
session is involved, so the plain article address stays cacheable for everyone; responses
to receipt URLs are private and never stored.
"""

from urllib.parse import urlencode

from django.core import signing

PARAM = "comment"
SALT = "comments.receipt"
MAX_AGE = 60 * 60 * 24


def make_receipt(comment):
    return signing.TimestampSigner(salt=SALT).sign(str(comment.pk))


def url_for(comment):
    """The article address that shows this comment to its poster, scrolled to it."""
    query = urlencode({PARAM: make_receipt(comment)})
    return f"{comment.article.get_absolute_url()}?{query}#comment-{comment.pk}"


def own_comment(article, receipt):
    """The comment a valid receipt names on this article.

    Whatever a moderator decided, a comment that is not public is shown to its poster as
    awaiting moderation: the receipt page never tells a decision (nor, for a comment sent
    twice, what became of the first copy).
    """
    if not receipt:
        return None
    try:
        pk = int(signing.TimestampSigner(salt=SALT).unsign(receipt, max_age=MAX_AGE))
    except (signing.BadSignature, ValueError):
        return None
    return article.comments.defer("email", "ip_hash", "user_agent").filter(pk=pk).first()


def is_receipt_request(request):
    return PARAM in request.GET
