"""Settings for the load benchmark: the platform's own, with a URLconf that adds the bare view."""

from kechuang.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
