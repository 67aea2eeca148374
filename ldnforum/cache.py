"""Django's Redis cache backend, with one Redis client per server, and reads
a request can start early.

Django makes a new redis.Redis for every cache call, and redis-py builds its
table of some 170 response callbacks in each: a fifth of a millisecond, most
of the time a cached page takes. A client is safe to share between threads
(it takes a connection from its pool for each command, and the pool notices
a fork), so one per server serves the process.

send_get() sends a GET on a connection of the thread's own and returns at
once; get_sent() reads its answer when the request needs it. A hit on a
page the process keeps in memory (articles/page_cache.py) reads its
article's version this way: sent as the request comes in, the answer is
there by the time the view asks, where waiting for it took half the hit.
"""

import logging
import os
import threading

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient, RedisSerializer

logger = logging.getLogger(__name__)


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


class _Own(threading.local):
    pid: int | None = None
    connection = None
    sent: str | None = None  # the key of the GET whose answer is unread


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._own = _Own()
        self._loads = RedisSerializer().loads

    def send_get(self, key: str) -> bool:
        """Send GET key, to be read by get_sent(key). False if it could not
        be sent (get_sent then reads it the usual way)."""
        self.forget_sent()
        redis_key = self.make_and_validate_key(key)
        try:
            self._connection().send_command("GET", redis_key)
        except BaseException as error:
            # Half a command may be on its way: the connection goes too.
            self._drop_connection()
            if not isinstance(error, redis.RedisError):
                raise
            logger.warning("Could not send an early read of %s", key, exc_info=True)
            return False
        self._own.sent = key
        return True

    def get_sent(self, key: str, default=None):
        """The value at key: the answer to send_get(key) if one is on its
        way, else read now. Only a GET sent for this very key is taken."""
        if self._own.sent != key:
            self.forget_sent()
            return self.get(key, default)
        try:
            value = self._own.connection.read_response()
        except BaseException as error:
            # Half an answer may be left to read: the connection goes too.
            self._drop_connection()
            if not isinstance(error, redis.RedisError):
                raise
            logger.warning("Lost an early read of %s", key, exc_info=True)
            return self.get(key, default)
        self._own.sent = None
        return default if value is None else self._loads(value)

    def forget_sent(self) -> None:
        """An answer nobody will read: dropped, with its connection, so the
        next answer read there is the one asked for."""
        if self._own.sent is not None:
            self._drop_connection()

    def _connection(self):
        own = self._own
        if own.connection is None or own.pid != os.getpid():
            # Versions are read from the server written to, never a replica.
            pool = self._cache._get_connection_pool(write=True)
            own.connection = pool.connection_class(**pool.connection_kwargs)
            own.pid, own.sent = os.getpid(), None
        return own.connection

    def _drop_connection(self) -> None:
        own = self._own
        if own.connection is not None and own.pid == os.getpid():
            own.connection.disconnect()
        own.connection, own.sent = None, None
