from articles import page_cache


class PageCacheReadAheadMiddleware:
    """Early in the stack: a hit on a page the process keeps in memory
    starts reading its article's version here (articles/page_cache.py), so
    the rest of the middleware runs while Redis answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not page_cache.read_ahead(request):
            return self.get_response(request)
        try:
            return self.get_response(request)
        finally:
            page_cache.end_read_ahead()
