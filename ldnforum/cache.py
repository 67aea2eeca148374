"""Django's Redis cache backend, with one Redis client per server.

Django makes a new redis.Redis for every cache call, and redis-py builds its
table of some 170 response callbacks in each: a fifth of a millisecond, most
of the time a cached page takes. A client is safe to share between threads
(it takes a connection from its pool for each command, and the pool notices
a fork), so one per server serves the process."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
