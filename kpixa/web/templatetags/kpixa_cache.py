"""``{% cache_once %}``: Django's ``{% cache %}`` fragment tag, rendered once per process on a miss.

Same arguments and same keys as ``{% cache %}`` (``{% cache_once 600 "name" var1 var2 %}`` …
``{% endcache_once %}``), stored in the default cache; on a miss one thread renders the fragment
while the process's other threads asking for it wait (kpixa/web/cache.py).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache.utils import make_template_fragment_key
from django.template import TemplateSyntaxError

from kpixa.web.cache import once

register = template.Library()


class CacheOnceNode(template.Node):
    def __init__(self, nodelist: Any, expire_time: Any, name: str, vary_on: list[Any]) -> None:
        self.nodelist = nodelist
        self.expire_time = expire_time
        self.name = name
        self.vary_on = vary_on

    def render(self, context: Any) -> str:
        try:
            timeout = int(self.expire_time.resolve(context))
        except (ValueError, TypeError):
            raise TemplateSyntaxError(
                f"cache_once needs a whole number of seconds, got {self.expire_time}"
            ) from None
        key = make_template_fragment_key(self.name, [var.resolve(context) for var in self.vary_on])
        return once(key, lambda: self.nodelist.render(context), timeout)


@register.tag("cache_once")
def do_cache_once(parser: Any, token: Any) -> CacheOnceNode:
    """``{% cache_once seconds "name" [var …] %}`` … ``{% endcache_once %}``."""
    nodelist = parser.parse(("endcache_once",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 3:
        raise TemplateSyntaxError("cache_once needs at least a timeout and a fragment name")
    return CacheOnceNode(
        nodelist, parser.compile_filter(bits[1]), bits[2], [parser.compile_filter(b) for b in bits[3:]]
    )
