"""The package's caches: shared by every session, each result computed once.

`functools.lru_cache` is thread-safe but lets every thread that misses compute the
result itself: when a seminar's 30 sessions open the map at once on a new server,
30 threads would each build the national map, and on two cores each takes thirty
times as long. `shared_cache` is the same least-recently-used cache with one
difference, from cachetools: while one thread computes a result, the others that
ask for it wait for that one instead of computing it again.
"""

import threading
from collections.abc import Callable

import cachetools


def shared_cache(maxsize: int) -> Callable[[Callable], Callable]:
    """`functools.lru_cache(maxsize=maxsize)`, computing each result only once.

    The decorated function keeps `cache_clear()`; its results are shared by every
    caller, so treat them as read-only.
    """

    def decorate(function: Callable) -> Callable:
        return cachetools.cached(
            cachetools.LRUCache(maxsize), condition=threading.Condition()
        )(function)

    return decorate
