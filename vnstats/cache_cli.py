"""``vnstats cache``: where the rule cache lives, and emptying it (see ``rulecache``)."""
from __future__ import annotations

import click

from . import rulecache

CACHE_EXAMPLES = """
\b
Examples:
  vnstats cache path
  du -sh "$(vnstats cache path)"
  vnstats cache clear
\b
VNSTATS_CACHE_DIR=DIR moves the cache, VNSTATS_CACHE_DIR=off turns it off.
"""


@click.group(epilog=CACHE_EXAMPLES)
def cache():
    """The cache of compiled rules and of the word segmentation model.

    The first run after installing (or with new --patterns) compiles the rules
    into it, which takes a few seconds; later runs read it in a fraction of a
    second. It keeps only the entries used most recently, within about 24 MB.
    """


@cache.command("path")
def cache_path():
    """Print the cache's folder (nothing, exit 1, when the cache is off)."""
    folder = rulecache.cache_dir()
    if folder is None:
        click.echo("vnstats: the cache is off (VNSTATS_CACHE_DIR=off)", err=True)
        raise SystemExit(1)
    click.echo(str(folder))


@cache.command("clear")
def cache_clear():
    """Remove every entry of the cache (the next run builds it again)."""
    folder = rulecache.cache_dir()
    if folder is None:
        click.echo("vnstats: the cache is off (VNSTATS_CACHE_DIR=off): nothing to clear", err=True)
        return
    count, size = rulecache.clear(folder)
    click.echo(f"removed {count} file{'' if count == 1 else 's'} ({size / 1e6:.1f} MB) from {folder}")


if __name__ == "__main__":
    cache()
