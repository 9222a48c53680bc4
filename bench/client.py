"""Signing in over HTTP as a person would: the sign-in form with its CSRF token, then, for
council staff, a code from their authenticator (TOTP, computed from the secret the seed gave
them, exactly as an authenticator app computes it). The portal runs with DEMO_MODE off, as in
production, so staff cannot skip two-factor.

Each person connects from their own loopback address (127.0.0.10, .11, ...; Linux routes all of
127.0.0.0/8 to this machine): the portal limits sign-ins per address, as it should, and twenty
people in one office would not all share one address either.
"""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode

import pyotp


def hidden(page: str, name: str) -> str | None:
    found = re.search(rf'name="{name}"[^>]*?value="([^"]*)"', page)
    return found[1] if found else None


class Browser:
    def __init__(self, port: int, source: str = "127.0.0.1") -> None:
        self.port, self.source = port, source
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(self.source, 0)
        )
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location"), page

    def post_form(self, path: str, fields: dict, page_path: str | None = None):
        """Open the page, then post its form with the CSRF token it carries."""
        _status, _location, page = self.request("GET", page_path or path)
        return self.request("POST", path, {"csrf_token": hidden(page, "csrf_token"), **fields})

    def sign_in(self, email: str, password: str, totp_secret: str | None = None) -> None:
        status, location, page = self.post_form("/sign-in", {"email": email, "password": password})
        if status != 302:
            errors = re.findall(r'govuk-error-message">(.*?)<', page, re.S)
            raise RuntimeError(f"sign-in as {email} answered {status}: {errors}")
        if totp_secret:
            code = pyotp.TOTP(totp_secret).now()
            status, location, page = self.post_form("/two-factor", {"code": code})
            if status != 302:
                raise RuntimeError(f"two-factor for {email} answered {status}")
