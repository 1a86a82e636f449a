"""The site's cache: which backends keep their entries inside one process (and so cannot serve
a site of several processes), and the database table the cache uses when there is no Redis."""

from django.conf import settings
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.dispatch import receiver

# Each process would count, lock and remember on its own: one web process would not see what
# another cached, nor a worker what a web process did.
PROCESS_LOCAL_BACKENDS = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


def process_local_caches() -> list[str]:
    """The aliases of the configured caches whose entries stay in one process."""
    return [
        alias
        for alias, config in settings.CACHES.items()
        if config.get("BACKEND") in PROCESS_LOCAL_BACKENDS
    ]


@receiver(post_migrate, dispatch_uid="meshutaf-cache-table")
def cache_table_create(sender, using: str = "default", **kwargs) -> None:
    """After every `migrate` (the site's own, a test database's, the move to PostgreSQL's):
    the database cache's table, if a configured cache is one and it has none yet."""
    if getattr(sender, "label", None) == "core":
        call_command("createcachetable", database=using, verbosity=0)
