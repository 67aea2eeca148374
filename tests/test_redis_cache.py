"""With REDIS_URL set, the cache (rate limits, /healthz) is Redis, and the
package Django's backend needs is installed. Uses this machine's Redis, as
production would use its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = """
import django, json
django.setup()
from django.core.cache import cache
from django.conf import settings
import threading
cache.set("redis-check", "ok", 5)
# One client serves every call and every thread (ldnforum/cache.py).
assert cache._cache.get_client() is cache._cache.get_client(write=True)
seen = []
threads = [
    threading.Thread(target=lambda: seen.append(cache.get("redis-check")))
    for _ in range(8)
]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert seen == ["ok"] * 8, seen
print(json.dumps([settings.CACHES["default"]["BACKEND"], cache.get("redis-check")]))
"""


def test_cache_is_redis_when_redis_url_is_set():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ldnforum.settings",
        "DJANGO_SECRET_KEY": "redis-check-only",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    backend, value = json.loads(result.stdout.strip().splitlines()[-1])
    assert backend == "ldnforum.cache.RedisCache"
    assert value == "ok"
