"""Settings for the in-process benchmark: the project's own, plus the bare-Django twin URLs.

The runner sets the environment (database, debug off, secret key, throttle rates) before
Django reads this module, so everything else is exactly what production runs.
"""

from config.settings import *  # noqa: F403 -- the project's settings, unchanged

ROOT_URLCONF = "benchmarks.urls"
