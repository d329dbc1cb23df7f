"""What a reader, an editor and a commenter get from the site .ci/production set up: nginx
with TLS in front of gunicorn, as README "Running in production" describes. Standard library
only: it runs with the production virtualenv's Python.

Usage: production_checks.py HTTP_PORT HTTPS_PORT CERTIFICATE SITE_DOMAIN ARTICLE_PATH ARTICLE_PK
       (ADMIN_USER and ADMIN_PASSWORD in the environment)
"""

import http.client
import json
import os
import re
import ssl
import sys
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HOST = "127.0.0.1"


def fetch(port, method, path, *, tls, source=HOST, headers=None, body=None, cookies=None):
    if tls:
        context = ssl.create_default_context(cafile=CERTIFICATE)
        conn = http.client.HTTPSConnection(
            HOST, port, timeout=15, context=context, source_address=(source, 0)
        )
    else:
        conn = http.client.HTTPConnection(HOST, port, timeout=15, source_address=(source, 0))
    headers = {"Host": f"{HOST}:{port}", **(headers or {})}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
    finally:
        conn.close()
    if cookies is not None:
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
    return response, content


def check(condition, message):
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        FAILURES.append(message)


def main():
    home, body = fetch(HTTPS, "GET", "/", tls=True)
    check(home.status == 200 and b"</html>" in body, f"home page over https: {home.status}")

    plain, _ = fetch(HTTP, "GET", "/", tls=False)
    location = plain.headers.get("Location", "")
    check(
        plain.status == 301 and location.startswith(f"https://{HOST}"),
        f"http redirects to https: {plain.status} {location}",
    )
    check(
        plain.headers.get("Cache-Control") == "no-store",
        f"the redirect is no-store: {plain.headers.get('Cache-Control')}",
    )
    again, _ = fetch(HTTP, "GET", "/", tls=False)
    check(
        again.status == 301 and again.headers.get("X-Micro-Cache") != "HIT",
        f"nginx did not cache the redirect: X-Micro-Cache {again.headers.get('X-Micro-Cache')}",
    )

    cookies = {}
    _, form = fetch(HTTPS, "GET", "/admin/login/", tls=True, cookies=cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    origin = f"https://{HOST}:{HTTPS}"
    login, _ = fetch(
        HTTPS,
        "POST",
        "/admin/login/?next=/admin/",
        tls=True,
        cookies=cookies,
        headers={"Origin": origin, "Referer": origin + "/admin/login/"},
        body=urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode() if token else "",
                "username": os.environ["ADMIN_USER"],
                "password": os.environ["ADMIN_PASSWORD"],
                "next": "/admin/",
            }
        ),
    )
    check(
        login.status == 302 and login.headers.get("Location") == "/admin/",
        f"admin login POST over https with the port in Origin: {login.status} "
        f"{login.headers.get('Location')}",
    )
    dashboard, _ = fetch(HTTPS, "GET", "/admin/", tls=True, cookies=cookies)
    check(dashboard.status == 200, f"the admin answers the logged-in editor: {dashboard.status}")

    feed, xml = fetch(HTTPS, "GET", "/feed/", tls=True)
    named = feed.status == 200 and f"https://{DOMAIN}/".encode() in xml
    check(
        named and b"example.com" not in xml,
        f"the feed names https://{DOMAIN}/, not example.com"
        + ("" if named else f": {feed.status} {xml[:300]!r}"),
    )

    def comment(source, text):
        _, token = fetch(HTTPS, "GET", "/comments/token/", tls=True, source=source)
        data = {
            "body": text,
            "name": "Reader",
            "email": "reader@example.org",
            "website": "",
            "parent": "",
            "token": json.loads(token)["token"],
        }
        response, _ = fetch(
            HTTPS,
            "POST",
            f"/comments/post/{ARTICLE_PK}/",
            tls=True,
            source=source,
            headers={"Origin": origin},
            body=urlencode(data),
        )
        return response.status

    statuses = [
        comment("127.0.0.2", "First from the first reader."),
        comment("127.0.0.3", "First from the second reader."),
        comment("127.0.0.2", "Second from the first reader."),
    ]
    check(
        statuses == [303, 303, 429],
        f"comments from 127.0.0.2 and 127.0.0.3 are limited apart: {statuses}",
    )
    page, _ = fetch(HTTPS, "GET", ARTICLE_PATH, tls=True)
    check(page.status == 200, f"the article page: {page.status}")


if __name__ == "__main__":
    HTTP, HTTPS = int(sys.argv[1]), int(sys.argv[2])
    CERTIFICATE, DOMAIN, ARTICLE_PATH, ARTICLE_PK = sys.argv[3:7]
    FAILURES = []
    main()
    sys.exit(1 if FAILURES else 0)
