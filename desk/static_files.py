"""Whitenoise for the desk's Vite assets too: their names carry a content hash, so they are immutable.

Whitenoise gives a year's `Cache-Control: immutable` only to the names Django's manifest storage
hashed (`main.3f2a….js`); the desk's page links Vite's own names (`assets/main-BRD4_SMr.js`, see
desk/views.py), which otherwise get WHITENOISE_MAX_AGE (60 s) and a revalidation per visit. Vite
names every file in `assets/` `<name>-<8-character hash>.<ext>`; a new build is new names.
"""

import re

from whitenoise.middleware import WhiteNoiseMiddleware

VITE_ASSET = re.compile(r"/desk/assets/[^/]+-[A-Za-z0-9_-]{8}\.(?:js|css|svg|png|woff2?)$")


class DeskWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    def immutable_file_test(self, path: str, url: str) -> bool:
        return bool(url.startswith(self.static_prefix) and VITE_ASSET.search(url)) or super().immutable_file_test(path, url)
