"""The Redis cache, failing soft: while Redis does not answer, each process caches in memory.

allauth keeps its login rate limits in the cache, so a cache error used to be a 500 on every
login. With short socket timeouts (``OPTIONS`` in settings) and :class:`~innohealth.outage.Outage`
a stopped or frozen Redis costs one timeout per ``REDIS_RETRY_SECONDS``, and the limits keep
counting per process meanwhile.
"""

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis import RedisError

from .outage import Outage


def _fail_soft(name: str):
    def method(self, *args, **kwargs):
        if not self.outage.ongoing():
            try:
                result = getattr(super(FailSoftRedisCache, self), name)(*args, **kwargs)
            except RedisError as error:
                self.outage.failed(error)
            else:
                self.outage.answered()
                return result
        return getattr(self.fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.outage = Outage("cache")
        self.fallback = LocMemCache(f"fallback-{server}", params)

    add = _fail_soft("add")
    get = _fail_soft("get")
    set = _fail_soft("set")
    touch = _fail_soft("touch")
    delete = _fail_soft("delete")
    get_many = _fail_soft("get_many")
    has_key = _fail_soft("has_key")
    incr = _fail_soft("incr")
    set_many = _fail_soft("set_many")
    delete_many = _fail_soft("delete_many")
    clear = _fail_soft("clear")
