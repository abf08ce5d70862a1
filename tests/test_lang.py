"""GRIDOPS_LANG sets the language of a page that asks for none; ?lang= still wins."""

from __future__ import annotations

import requests

from tests import signin
from tests.conftest import TEST_SECRET
from tests.server import serve


def test_gridops_lang_sets_the_default_and_the_url_overrides_it(loaded):
    proc, url = serve({"GRIDOPS_LANG": "en", "GRIDOPS_SECRET_KEY": TEST_SECRET})
    try:
        admin = signin.session(url, "admin")
        assert "Data import" in admin.get(f"{url}/import", timeout=20).text
        assert "数据导入" in admin.get(f"{url}/import?lang=zh", timeout=20).text
        assert requests.get(f"{url}/healthz", timeout=20).ok
    finally:
        proc.terminate()
        proc.wait(timeout=10)
