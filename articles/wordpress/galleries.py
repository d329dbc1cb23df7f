"""Which attachments a classic ``[gallery]`` shortcode shows, and in which order: WordPress's
``gallery_shortcode`` rules (wp-includes/media.php), so an old gallery shows what it showed.
"""


def ids_in(value):
    parts = (part.strip() for part in (value or "").split(","))
    return [part for part in parts if part.isascii() and part.isdigit()]


def _number(value):
    value = (value or "").strip()
    return int(value) if value.isascii() and value.lstrip("-").isdigit() else 0


# How [gallery orderby="…"] sorts (MySQL's: titles regardless of case).
GALLERY_ORDER = {
    "menu_order": lambda wp_id, details: _number(details.get("order")),
    "id": lambda wp_id, details: _number(wp_id),
    "title": lambda wp_id, details: details.get("title", "").lower(),
    "post_title": lambda wp_id, details: details.get("title", "").lower(),
    "date": lambda wp_id, details: details.get("date", ""),
    "post_date": lambda wp_id, details: details.get("date", ""),
}


def gallery_ids(options, post_id, attachment, children, kind="image"):
    """The attachments a ``[gallery]`` shows, chosen and ordered as WordPress's
    ``gallery_shortcode`` does: ``ids`` in their order; else ``include``; else the images
    attached to the post (``id``, by default the one being imported) but ``exclude``; sorted
    by ``orderby`` (default "menu_order ID", which a random order also becomes) and
    ``order``. ``attachment(id)`` gives an attachment's details, ``children(id)`` the
    attachments of a post. (``[playlist]`` chooses its audio or video, ``kind``, alike.)"""
    include = ids_in(options.get("ids")) or ids_in(options.get("include"))
    orderby = (options.get("orderby") or "").lower()
    if options.get("ids") and not orderby:
        orderby = "post__in"
    if include:
        chosen = include
    else:
        excluded = set(ids_in(options.get("exclude")))
        parent = (ids_in(options.get("id")) or [post_id])[0]
        chosen = [wp_id for wp_id in children(parent) if wp_id not in excluded]
    known = {wp_id: attachment(wp_id) or {} for wp_id in chosen}
    # Of the kind only; one the export lacks is kept, so that asking for it reports it.
    chosen = [i for i in chosen if known[i].get("mime", f"{kind}/").startswith(f"{kind}/")]
    if orderby == "post__in":
        return chosen
    keys = [GALLERY_ORDER[key] for key in orderby.replace(",", " ").split() if key in GALLERY_ORDER]
    keys = keys or [GALLERY_ORDER["menu_order"], GALLERY_ORDER["id"]]
    return sorted(
        chosen,
        key=lambda wp_id: tuple(key(wp_id, known[wp_id]) for key in keys),
        reverse=(options.get("order") or "").upper() == "DESC",
    )
