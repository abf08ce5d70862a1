"""Test helpers: sign in through the real /login form, in a browser or with requests."""

from __future__ import annotations

import re
import time

import requests

from geodata.accounts.users import DEMO_PASSWORD


def session(base_url: str, username: str = "district", password: str = DEMO_PASSWORD) -> requests.Session:
    """A requests session signed in as a demo user."""
    http = requests.Session()
    csrf = form_token(http, base_url)
    done = http.post(
        f"{base_url}/login",
        data={"csrf": csrf, "username": username, "password": password},
        allow_redirects=False,
        timeout=20,
    )
    assert done.status_code == 303, f"sign-in as {username} failed: {done.status_code}"
    return http


def form_token(http: requests.Session, base_url: str) -> str:
    """The form token of a requests session (read from the sign-in form, as a browser would)."""
    page = http.get(f"{base_url}/login", timeout=20)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def sign_out(http: requests.Session, base_url: str) -> requests.Response:
    """Sign out as the page's button does: a POST with the form token."""
    return http.post(f"{base_url}/logout", data={"csrf": form_token(http, base_url)}, allow_redirects=False, timeout=20)


def browser(driver, base_url: str, username: str = "district", password: str = DEMO_PASSWORD) -> None:
    """Sign a Selenium browser in as a demo user (through the form, as a person would)."""
    driver.get(f"{base_url}/login")
    driver.find_element("id", "username").send_keys(username)
    driver.find_element("id", "password").send_keys(password)
    driver.find_element("css selector", "button[type=submit]").click()
    for _ in range(100):
        if "/login" not in driver.current_url:
            return
        time.sleep(0.1)
    raise AssertionError(f"sign-in as {username} did not leave /login")
