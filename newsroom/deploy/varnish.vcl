# Varnish in front of the newsroom (Debian: apt-get install varnish varnish-modules).
#
# Anonymous pages are kept until the app purges them: every page names the keys of what it
# shows in its Surrogate-Key header, and a change sends `PURGE /` with those keys in an
# `xkey-purge` header (newsroom/cache/purgers.py, VARNISH_PURGE_URLS). A copy is never
# served once purged, nor past the lifetime the app gave it (no grace: a story taken down is
# down). Requests with a session cookie (editors, moderators) and the admin always reach
# the app; responses that are private, no-store or set a cookie are never kept.
#
# Lines marked "deployment" name this machine's app and the addresses allowed to purge.

vcl 4.1;

import xkey;

backend newsroom {
    .host = "127.0.0.1";  # deployment: gunicorn (or nginx) address
    .port = "8000";       # deployment
}

acl purgers {
    "127.0.0.1";  # deployment: the app servers, which send the purges
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin/") {  # deployment: ADMIN_PATH
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # No other cookie changes a public page (the pages set none): one copy for everyone.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "public"
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)") {
        unset beresp.http.Surrogate-Key;
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # xkey indexes the copy by its keys when it is stored; readers get neither header.
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    unset beresp.http.Surrogate-Key;
    # The app's page cache answering this fetch (X-Cache): not what the copy's readers get;
    # X-Front-Cache says that.
    unset beresp.http.X-Cache;
    set beresp.grace = 0s;
    set beresp.keep = 0s;
    # Pages and feeds come compressed from the app. Any other text answer is compressed once,
    # when it is kept; Varnish sends it compressed to every browser that accepts it.
    if (beresp.http.Content-Type ~ "^(text/|application/(rss\+xml|atom\+xml|xml|json))"
        && !beresp.http.Content-Encoding) {
        set beresp.do_gzip = true;
    }
}

sub vcl_deliver {
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Front-Cache = "HIT";
    } else {
        set resp.http.X-Front-Cache = "MISS";
    }
}
