"""SQL queries and render time of the studio's list pages, at two sizes of data (as bench/admin_pages.py).

Run: .venv/bin/python bench/studio_lists.py   (DATABASE_URL picks the database)

The same data as the admin bench: 200 campaigns and lists, one of them with 100,000 callees (a tenth of
that for the small size). Pages are rendered by Django's test client as a campaign editor.
"""
import time

from admin_pages import (  # also sets Django up
    RENDERS, SIZES, TARGET_MS, bench_database, editor_client, grow_to, measure,
)

from django.db import connection
from django.urls import reverse


def pages() -> dict:
    from campaigns.models import CalleeList

    big = CalleeList.objects.get(name="Everyone (big list)")
    last = big.callees.order_by("-id").first()
    page = reverse("studio:list", args=[big.pk])
    return {
        "lists": reverse("studio:lists"),
        "big list, page 1": page,
        "big list, page 1000": page + "?page=1000",
        "big list, search a text": page + f"?q={last.text1.replace(' ', '+')}",
        "big list, search a number": page + f"?q=%2B{last.number}",
        "big list, change a callee": reverse("studio:list_callee", args=[big.pk, last.pk]),
    }


def main():
    with bench_database("studio_lists"):
        client = editor_client()
        results = []
        for campaigns, callees in SIZES:
            grow_to(campaigns, callees)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            results.append({name: measure(client, url) for name, url in pages().items()})
        small, big = results
        print(f"database: {connection.vendor}; median of {RENDERS} renders; target {TARGET_MS} ms; "
              f"sizes {SIZES[0][1]:,} and {SIZES[1][1]:,} callees")
        width = max(map(len, big))
        print(f"{'page':<{width}}  {'queries':>8} {'queries':>8} {'ms':>8} {'ms':>8}")
        for name, (queries, ms) in big.items():
            small_queries, small_ms = small[name]
            flag = ("  over target" if ms > TARGET_MS else "") + ("  queries grow" if queries != small_queries else "")
            print(f"{name:<{width}}  {small_queries:>8} {queries:>8} {small_ms:>8.1f} {ms:>8.1f}{flag}")
        started = time.perf_counter()
        from campaigns.models import CalleeList

        response = client.get(reverse("studio:list_export",
                                      args=[CalleeList.objects.get(name="Everyone (big list)").pk]))
        print(f"export of the big list: {len(response.content) / 1e6:.1f} MB in "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
